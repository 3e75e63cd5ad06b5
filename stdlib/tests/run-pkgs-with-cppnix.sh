#!/usr/bin/env bash
# Runs the package-set evaluation tests (stdlib/tests/pkgs/*.nix, cross.md
# §13 A–G and I) with CppNix's `nix-instantiate --eval --strict`.  Each file
# evaluates to a list of failures; a non-empty list or an evaluation error
# fails the run.  Then: error messages (which Nix cannot inspect from inside),
# time budgets for the laziness guards, and the evaluation time of
# `pkgsCross.<every example>.hello.drvPath`.
#
# Set NIX_INSTANTIATE to run another evaluator that accepts the same flags
# (tern: NIX_INSTANTIATE="tern eval" style wrappers work if they take
# `--eval --strict FILE` and `--eval --strict -E EXPR`).
# No derivation is built; nothing needs the Debian toolchains.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stdlib="$(cd "$here/.." && pwd)"
nix_instantiate="${NIX_INSTANTIATE:-nix-instantiate}"
export NIX_PATH="${NIX_PATH:-}"
# The user's own config and overlays must not leak into the tests.
export HOME="$(mktemp -d)"
unset NIXPKGS_CONFIG

passed=0
failed=0
cases=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp" "$HOME"' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

run_file() {
  local file="$1" out start ms
  start=$(now_ms)
  if out="$($nix_instantiate --eval --strict "$file" 2>"$tmp/stderr")"; then
    ms=$(( $(now_ms) - start ))
    if [ "$out" = "[ ]" ]; then
      echo "ok    $(basename "$file") (${ms} ms)"
      passed=$((passed + 1))
    else
      echo "FAIL  $(basename "$file"): $out"
      failed=$((failed + 1))
    fi
  else
    echo "FAIL  $(basename "$file"): evaluation error"
    sed 's/^/      /' "$tmp/stderr" | tail -30
    failed=$((failed + 1))
  fi
}

for file in "$here"/pkgs/*.nix; do
  case "$(basename "$file")" in _*) continue ;; esac
  run_file "$file"
  n="$(LIB_TESTS_LIST=1 $nix_instantiate --eval --strict -E "builtins.length (import $file)" 2>/dev/null || echo 0)"
  cases=$((cases + n))
done

# Error messages: the expression must fail, and stderr must contain every needle.
check_error() {
  local name="$1" expr="$2"
  shift 2
  if $nix_instantiate --eval --strict -E "$expr" >/dev/null 2>"$tmp/err"; then
    echo "FAIL  $name: expected an evaluation error"
    failed=$((failed + 1))
    return
  fi
  for needle in "$@"; do
    if ! grep -qF -- "$needle" "$tmp/err"; then
      echo "FAIL  $name: error message lacks '$needle':"
      sed 's/^/      /' "$tmp/err" | tail -20
      failed=$((failed + 1))
      return
    fi
  done
  echo "ok    $name"
  passed=$((passed + 1))
}

N="import $stdlib { localSystem = \"x86_64-linux\"; config = {}; overlays = []; }"

check_error entry-unknown-argument \
  "(import $stdlib { localSystem = \"x86_64-linux\"; platform = {}; crossSytem = null; }).hello.name" \
  "unknown arguments \`crossSytem', \`platform'" "the accepted arguments are \`localSystem', \`crossSystem', \`system', \`config', \`overlays', \`crossOverlays'"
check_error entry-system-and-localSystem \
  "(import $stdlib { system = \"x86_64-linux\"; localSystem = \"x86_64-linux\"; }).hello.name" \
  "not both"
check_error entry-overlays-not-a-list \
  "(import $stdlib { localSystem = \"x86_64-linux\"; overlays = (self: super: {}); }).hello.name" \
  "\`overlays' argument must be a list" "lambda"
check_error entry-overlays-not-functions \
  "(import $stdlib { localSystem = \"x86_64-linux\"; overlays = [ 1 ]; }).hello.name" \
  "element 0 is a int"
check_error unsupported-platform \
  "let p = ($N).pkgsCross.mingwW64; in (p.callPackage ({ stdenv, lib }: stdenv.mkDerivation { pname = \"lo\"; version = \"1\"; meta.platforms = lib.platforms.linux; }) {}).drvPath" \
  "cannot be built for x86_64-w64-mingw32" "allowUnsupportedSystem"
check_error callPackage-missing-argument \
  "($N).callPackage ({ stdenv, zlibb }: zlibb) {}" \
  '"zlibb"' '"zlib"'
check_error callPackage-missing-argument-cross \
  "(import $stdlib { localSystem = \"x86_64-linux\"; crossSystem = { config = \"aarch64-unknown-linux-gnu\"; }; config = {}; overlays = []; }).callPackage ({ hellp }: hellp) {}" \
  '"hellp"' '"hello"'
check_error invalid-dependency \
  "(($N).callPackage ({ stdenv }: stdenv.mkDerivation { pname = \"q\"; version = \"1\"; nativeBuildInputs = [ { foo = 1; } ]; }) {}).drvPath" \
  "Dependency is not of a valid type: element 0 of nativeBuildInputs for q"
check_error mesonEmulatorHook-natively \
  "(($N).mesonEmulatorHook).name" \
  "mesonEmulatorHook is only for builds that cannot run"
check_error pkgsMusl-not-linux \
  "($N).pkgsCross.mingwW64.pkgsMusl.hello.name" \
  "musl is a Linux C library"

# Laziness guards (cross.md §13.I) under a time budget.
time_budget() {
  local name="$1" budget_ms="$2" expr="$3" start ms
  start=$(now_ms)
  if ! $nix_instantiate --eval --strict -E "$expr" >/dev/null 2>"$tmp/err"; then
    echo "FAIL  $name: evaluation error"
    sed 's/^/      /' "$tmp/err" | tail -10
    failed=$((failed + 1))
    return
  fi
  ms=$(( $(now_ms) - start ))
  if [ "$ms" -le "$budget_ms" ]; then
    echo "ok    $name (${ms} ms, budget ${budget_ms} ms)"
    passed=$((passed + 1))
  else
    echo "FAIL  $name: took ${ms} ms, budget ${budget_ms} ms"
    failed=$((failed + 1))
  fi
}
X="import $stdlib { localSystem = \"x86_64-linux\"; crossSystem = { config = \"aarch64-unknown-linux-gnu\"; }; config = {}; overlays = []; }"
time_budget lazy-pkgsCross-names 1500 "builtins.length (builtins.attrNames ($N).pkgsCross)"
time_budget lazy-spliced-names 1500 "builtins.length (builtins.attrNames ($X).__splicedPackages)"
time_budget lazy-ghcjs-host 1500 "($N).pkgsCross.ghcjs.stdenv.hostPlatform.config"
time_budget lazy-target-build-chain 1500 "let X = $X; in X.buildPackages.targetPackages.buildPackages.targetPackages.hello.name"
time_budget cross-hello-drvPath 3000 "($X).hello.drvPath"

# Evaluation time of pkgsCross.<every example>.hello.drvPath, one process each.
if [ "${PKGS_TIMINGS:-1}" = 1 ]; then
  echo "-- evaluation time of pkgsCross.<example>.hello.drvPath (one nix-instantiate each)"
  names="$($nix_instantiate --eval --strict --json -E "builtins.attrNames (import $stdlib/lib).systems.examples" | tr -d '[]"' | tr ',' ' ')"
  total=0
  count=0
  for name in $names; do
    start=$(now_ms)
    if $nix_instantiate --eval --strict -E "($N).pkgsCross.\"$name\".hello.drvPath" >/dev/null 2>"$tmp/err"; then
      ms=$(( $(now_ms) - start ))
      printf '      %-28s %5d ms\n' "$name" "$ms"
      total=$((total + ms))
      count=$((count + 1))
    else
      echo "FAIL  pkgsCross.$name.hello.drvPath: $(grep -m1 error "$tmp/err")"
      failed=$((failed + 1))
    fi
  done
  echo "      $count examples, ${total} ms in all"
fi

echo "pkgs test cases: $cases"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
