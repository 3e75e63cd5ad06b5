#!/usr/bin/env bash
# Runs CppNix's language test suite (tests/functional/lang of a NixOS/nix
# checkout, which this project does not contain) against tern, the way
# lang.sh runs it against nix-instantiate:
#   parse-okay-X  `tern eval --parse - < X.nix` exits 0
#   parse-fail-X  `tern eval --parse - < X.nix` exits 1
#   eval-okay-X   `tern eval [flags] --strict X.nix` exits 0, stdout == X.exp
#                 (or --xml --no-location with X.exp.xml)
#   eval-fail-X   `tern eval [flags or --strict --show-trace] X.nix` exits 1
# Error texts are not compared: tern words its diagnostics its own way.
#
# Usage: cppnix-lang-suite.sh NIX_CHECKOUT [TERN]   (prints one line per problem)
set -u
nix_src=$(cd "$1" && pwd) || exit 2
tern=$(realpath "$(command -v "${2:-tern}")") || exit 2
cd "$nix_src/tests/functional" || exit 2
export TEST_VAR=foo HOME=/fake-home NIX_PATH=lang/dir3:lang/dir4
store=$(mktemp -d); export TERN_STORE=$store; trap 'rm -rf "$store"' EXIT
pass=0; fail=0
problem() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

for f in lang/parse-okay-*.nix; do
  i=$(basename "$f" .nix)
  if timeout 20 "$tern" eval --parse - < "$f" >/dev/null 2>"$store/err"; then pass=$((pass + 1))
  else problem "$i" "should parse: $(head -c 300 "$store/err")"; fi
done
for f in lang/parse-fail-*.nix; do
  i=$(basename "$f" .nix)
  timeout 20 "$tern" eval --parse - < "$f" >/dev/null 2>&1; rc=$?
  if [ $rc = 1 ]; then pass=$((pass + 1)); else problem "$i" "should fail to parse (exit $rc)"; fi
done
for f in lang/eval-fail-*.nix; do
  i=$(basename "$f" .nix)
  if [ -e "lang/$i.flags" ]; then read -r -a flags < <(sed -e 's/#.*//' "lang/$i.flags")
  else flags=(--eval --strict --show-trace); fi
  args=(); for a in "${flags[@]}"; do [ "$a" = --eval ] || args+=("$a"); done
  timeout 20 "$tern" eval "${args[@]}" "$f" >/dev/null 2>"$store/err"; rc=$?
  if [ $rc = 1 ]; then pass=$((pass + 1)); else problem "$i" "should fail with exit 1 (exit $rc)"; fi
done
for f in lang/eval-okay-*.nix; do
  i=$(basename "$f" .nix)
  [ -e "lang/$i.exp-disabled" ] && continue
  if [ -e "lang/$i.exp.xml" ]; then
    timeout 20 "$tern" eval --xml --no-location --strict "$f" >"$store/out" 2>"$store/err"; rc=$?
    exp="lang/$i.exp.xml"
  else
    flags=(); [ -e "lang/$i.flags" ] && read -r -a flags < "lang/$i.flags"
    args=(); for a in "${flags[@]}"; do [ "$a" = --eval ] || args+=("$a"); done
    timeout 20 "$tern" eval "${args[@]}" --strict "$f" >"$store/out" 2>"$store/err"; rc=$?
    sed -i "s!$(pwd)!/pwd!g" "$store/out"
    exp="lang/$i.exp"
  fi
  if [ $rc != 0 ]; then problem "$i" "exit $rc: $(head -c 400 "$store/err" | tr '\n' ' ')"
  elif ! cmp -s "$store/out" "$exp"; then problem "$i" "output differs: $(diff "$exp" "$store/out" | head -c 400 | tr '\n' ' ')"
  else pass=$((pass + 1)); fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
