#!/usr/bin/env bash
# Runs the stdlib lib tests with CppNix (`nix-instantiate --eval --strict`).
# Every stdlib/tests/lib/*.nix (except _*.nix helpers) evaluates to a list of
# failures; any non-empty list or evaluation error fails the run.  Later the
# same files run under tern (set NIX_INSTANTIATE to another evaluator binary
# that accepts the same flags).
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib_dir="$here/../lib"
nix_instantiate="${NIX_INSTANTIATE:-nix-instantiate}"
export NIX_PATH="${NIX_PATH:-}"

passed=0
failed=0
cases=0

run_file() {
  local file="$1" out
  if out="$("$nix_instantiate" --eval --strict "$file" 2>"$tmp/stderr")"; then
    if [ "$out" = "[ ]" ]; then
      echo "ok    $(basename "$file")"
      passed=$((passed + 1))
    else
      echo "FAIL  $(basename "$file"): $out"
      failed=$((failed + 1))
    fi
  else
    echo "FAIL  $(basename "$file"): evaluation error"
    sed 's/^/      /' "$tmp/stderr"
    failed=$((failed + 1))
  fi
}

tmp="$(mktemp -d)"
# shellcheck source=stdlib/tests/_expect-error.sh
. "$here/_expect-error.sh"
trap 'rm -rf "$tmp"' EXIT

for file in "$here"/lib/*.nix; do
  case "$(basename "$file")" in _*) continue ;; esac
  run_file "$file"
  n="$(LIB_TESTS_LIST=1 "$nix_instantiate" --eval --strict -E "builtins.length (import $file)" 2>/dev/null || echo 0)"
  cases=$((cases + n))
done

# Error messages cannot be inspected from Nix (tryEval hides them), so check
# the callPackageWith message here: it names the argument and suggests names.
check_error() {
  local name="$1" expr="$2"
  shift 2
  expect_error "$name" "$expr" || return
  for needle in "$@"; do
    if ! grep -qF -- "$needle" "$tmp/err"; then
      echo "FAIL  $name: error message lacks '$needle':"
      sed 's/^/      /' "$tmp/err"
      failed=$((failed + 1))
      return
    fi
  done
  echo "ok    $name"
  passed=$((passed + 1))
}

check_error callPackageWith-missing-argument \
  "(import $lib_dir).callPackageWith { zlib = 1; zlip = 2; openssl = 3; } ({ zlibb, openssl }: zlibb) {}" \
  '"zlibb"' '"zlib"' '"zlip"'
check_error callPackageWith-no-suggestion \
  "(import $lib_dir).callPackageWith { } ({ qqq }: qqq) {}" \
  '"qqq"'
check_error elaborate-unknown-cpu \
  "(import $lib_dir).systems.elaborate \"zz80-linux\"" \
  'Unknown CPU type: zz80'
check_error elaborate-ambiguous \
  "(import $lib_dir).systems.elaborate \"foo-bar-baz\"" \
  'ambiguous'
check_error emulator-unknown \
  "let lib = import $lib_dir; p = lib.systems.elaborate lib.systems.examples.arm-embedded; in p.emulator { stdenv.hostPlatform = lib.systems.elaborate \"x86_64-linux\"; }" \
  "Don't know how to run arm-none-eabi executables."

# Messages of lib's own errors, as nixpkgs documents them.
check_error assertMsg-message \
  "(import $lib_dir).assertMsg false \"assertMsg says no\"" \
  'assertMsg says no'
check_error assertOneOf-message \
  "(import $lib_dir).assertOneOf \"sslLibrary\" \"libressl\" [ \"openssl\" \"bearssl\" ]" \
  'sslLibrary must be one of [' '"openssl"' '"bearssl"' '], but is: "libressl"'
check_error assertEachOneOf-message \
  "(import $lib_dir).assertEachOneOf \"sslLibraries\" [ \"libressl\" \"bearssl\" ] [ \"openssl\" \"bearssl\" ]" \
  'each element in sslLibraries must be one of [' '], but is: [' '"libressl"'
check_error throwIf-message \
  "(import $lib_dir).throwIf true \"throwIf fired\" 1" \
  'throwIf fired'
check_error throwIfNot-message \
  "(import $lib_dir).throwIfNot false \"throwIfNot fired\" 1" \
  'throwIfNot fired'
check_error fixedWidthString-too-long \
  "(import $lib_dir).fixedWidthString 1 \"0\" \"10\"" \
  'error:'

# Errors `tryEval` cannot catch (so the lib tests cannot see them): they must still be
# errors. CppNix 2.8 and current Nix word them differently; either wording is accepted.
check_error_any() {
  local name="$1" expr="$2"
  shift 2
  expect_error "$name" "$expr" || return
  for needle in "$@"; do
    if grep -qF -- "$needle" "$tmp/err"; then
      echo "ok    $name"
      passed=$((passed + 1))
      return
    fi
  done
  echo "FAIL  $name: error message has none of: $*"
  sed 's/^/      /' "$tmp/err"
  failed=$((failed + 1))
}
check_error_any lists-elemAt-out-of-range \
  "(import $lib_dir).lists.elemAt [ 1 ] 1" \
  "list index 1 is out of bounds" "called with index 1 on a list of size 1"
check_error_any lists-elemAt-negative \
  "(import $lib_dir).elemAt [ 1 ] (-1)" \
  "list index -1 is out of bounds" "called with index -1 on a list of size 1"
check_error_any lists-head-empty \
  "(import $lib_dir).lists.head [ ]" \
  "list index 0 is out of bounds" "'builtins.head' called on an empty list"
check_error_any lists-tail-empty \
  "(import $lib_dir).lists.tail [ ]" \
  "'tail' called on an empty list" "'builtins.tail' called on an empty list"
check_error_any trivial-mod-by-zero \
  "(import $lib_dir).mod 1 0" \
  "division by zero"

# `(import ./stdlib/lib).systems.elaborate "x86_64-linux"` must stay cheap.
start=$(date +%s%N)
"$nix_instantiate" --eval --strict -E "let p = (import $lib_dir).systems.elaborate \"x86_64-linux\"; in builtins.deepSeq p._withoutFunctions true" >/dev/null
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$ms" -lt 3000 ]; then
  echo "ok    elaborate-x86_64-linux-fast (${ms} ms)"
  passed=$((passed + 1))
else
  echo "FAIL  elaborate-x86_64-linux-fast: took ${ms} ms"
  failed=$((failed + 1))
fi

echo "lib test cases: $cases"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
