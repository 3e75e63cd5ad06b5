#!/usr/bin/env bash
# Runs nixpkgs' own lib test suites (from a nixpkgs or nix-community/nixpkgs.lib
# checkout, which this project does not contain) with tern standing in for
# nix-instantiate, as lib/tests/test-with-nix.nix runs them against CppNix:
# misc.nix, systems.nix, fetchers.nix (each must print `[ ]`), path/tests
# (unit.nix and prop.sh), modules.sh, filesystem.sh, sources.sh, debug.sh,
# network.sh and fileset/tests.sh.
#
# A `nix-instantiate` shim runs `tern instantiate` (which, like nix-instantiate,
# evaluates and prints with `--eval`). Scripts that `cd` into
# the store paths they create run under `tern with-store`, so that tern's
# store is at /nix/store for them.
#
# Usage: nixpkgs-lib-tests.sh CHECKOUT [TERN]   (CHECKOUT holds lib/)
set -u
src=$(cd "$1" && pwd) || exit 2
tern=$(realpath "$(command -v "${2:-tern}")") || { echo "no tern binary" >&2; exit 2; }
lib="$src/lib"
work=$(mktemp -d); trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
export TERN_STORE="$work/store" HOME="$work/home"
mkdir -p "$work/bin" "$HOME" "$TERN_STORE/store"
printf '#!/bin/sh\nexec "%s" instantiate "$@"\n' "$tern" > "$work/bin/nix-instantiate"
chmod +x "$work/bin/nix-instantiate"
export PATH="$work/bin:$PATH"
pass=0; fail=0
check() { # NAME COMMAND…
  local name=$1; shift
  if "$@" >"$work/log" 2>&1; then pass=$((pass + 1)); echo "ok    $name"
  else fail=$((fail + 1)); echo "FAIL  $name"; tail -20 "$work/log" | sed 's/^/      /'; fi
}
empty_list() { [ "$(nix-instantiate --eval --strict "$1")" = "[ ]" ]; }
cd "$lib/tests" || exit 2
check misc.nix empty_list misc.nix
check systems.nix empty_list systems.nix
check fetchers.nix empty_list fetchers.nix
check path/unit.nix nix-instantiate --eval --strict ../path/tests/unit.nix --arg libpath "$lib"
check path/prop.sh env TEST_LIB="$lib" bash ../path/tests/prop.sh 1
check modules.sh bash modules.sh
for s in filesystem debug network; do check "$s.sh" env TEST_LIB="$lib" bash "$s.sh"; done
check sources.sh env TEST_LIB="$lib" "$tern" with-store bash sources.sh
check fileset/tests.sh env TEST_LIB="$lib" "$tern" with-store bash ../fileset/tests.sh
check "lib.version" nix-instantiate --eval "$lib" -A version
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
