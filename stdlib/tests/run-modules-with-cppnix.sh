#!/usr/bin/env bash
# Runs the module-system and NixOS-lite tests (stdlib/tests/modules/*.nix)
# with CppNix, like run-with-cppnix.sh does for lib: every file except
# `_*.nix` evaluates to a list of failures.  Error *messages* cannot be seen
# from Nix (tryEval hides them), so the second half evaluates expressions
# that must fail and greps their stderr.  Set NIX_INSTANTIATE to run another
# evaluator (tern) that accepts the same flags.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib_dir="$here/../lib"
mod_dir="$here/modules"
nix_instantiate="${NIX_INSTANTIATE:-nix-instantiate}"
export NIX_PATH="${NIX_PATH:-}"

passed=0
failed=0
cases=0

tmp="$(mktemp -d)"
# shellcheck source=stdlib/tests/_expect-error.sh
. "$here/_expect-error.sh"
trap 'rm -rf "$tmp"' EXIT

for file in "$mod_dir"/*.nix; do
  case "$(basename "$file")" in _*) continue ;; esac
  if out="$("$nix_instantiate" --eval --strict "$file" 2>"$tmp/stderr")"; then
    if [ "$out" = "[ ]" ]; then
      echo "ok    modules/$(basename "$file")"
      passed=$((passed + 1))
    else
      echo "FAIL  modules/$(basename "$file"): $out"
      failed=$((failed + 1))
    fi
  else
    echo "FAIL  modules/$(basename "$file"): evaluation error"
    sed 's/^/      /' "$tmp/stderr"
    failed=$((failed + 1))
  fi
  n="$(LIB_TESTS_LIST=1 "$nix_instantiate" --eval --strict -E "builtins.length (import $file)" 2>/dev/null || echo 0)"
  cases=$((cases + n))
done

# check_error NAME EXPR NEEDLE…: EXPR must fail and its stderr contain every NEEDLE.
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

# Prelude for the expressions below.
P="let h = import $mod_dir/_helpers.nix; lib = h.lib; inherit (lib) types mkOption mkIf mkForce; in"
optInt="{ options.a = mkOption { type = types.int; }; }"

check_error undeclared-option \
  "$P (h.cfgOf [ $optInt { nigpkgs.crossSystem = 1; } ]).a" \
  "The option \`nigpkgs' does not exist." ||:
check_error undeclared-sub-option \
  "$P (h.cfgOf [ { options.x.y = mkOption { }; } { x.z = 1; } ]).x.y" \
  "The option \`x.z' does not exist." ||:
check_error seed-flake-4-typo \
  "$P (h.nixosSystem { system = \"x86_64-linux\"; modules = [ { nigpkgs.crossSystem = { config = \"riscv64-unknown-linux-gnu\"; }; } ]; }).config.system.build.toplevel.name" \
  "The option \`nigpkgs' does not exist." "Did you mean \`nixpkgs'?" ||:
check_error seed-flake-4-typo-pkgs \
  "$P (h.nixosSystem { system = \"x86_64-linux\"; modules = [ { nigpkgs.crossSystem = { config = \"riscv64-unknown-linux-gnu\"; }; } ]; }).pkgs.hello.name" \
  "The option \`nigpkgs' does not exist." ||:
check_error type-error-path-and-file \
  "$P (h.cfgOf [ $optInt $mod_dir/fixtures/bad-int.nix ]).a" \
  "A definition for option \`a' is not of type \`signed integer'" "fixtures/bad-int.nix" '"not a number"' ||:
check_error type-error-in-list-element \
  "$P (h.cfgOf [ { options.l = mkOption { type = types.listOf types.int; }; } { _file = \"list-file.nix\"; l = [ 1 \"two\" ]; } ]).l" \
  "is not of type \`signed integer'" "list-file.nix" 'l."[definition 1-entry 2]"' ||:
check_error type-error-in-submodule \
  "$P (h.cfgOf [ { options.s = mkOption { type = types.submodule { options.x = mkOption { type = types.bool; }; }; }; } { _file = \"sub-file.nix\"; s.x = 3; } ]).s.x" \
  "A definition for option \`s.x' is not of type \`boolean'" "sub-file.nix" ||:
check_error type-error-attrsOf \
  "$P (h.cfgOf [ { options.m = mkOption { type = types.attrsOf types.str; }; } { m.k = 1; } ]).m.k" \
  "A definition for option \`m.k' is not of type \`string'" ||:
check_error mkIf-non-bool \
  "$P (h.cfgOf [ $optInt { a = mkIf \"yes\" 1; } ]).a" \
  "mkIf: the condition must be a Boolean" ||:
check_error used-but-not-defined \
  "$P (h.cfgOf [ $optInt ]).a" \
  "The option \`a' is used but not defined." ||:
check_error conflicting-definitions \
  "$P (h.cfgOf [ $optInt { a = 1; } { a = 2; } ]).a" \
  "The option \`a' has conflicting definition values" ||:
check_error null-and-not-null \
  "$P (h.cfgOf [ { options.a = mkOption { type = types.nullOr types.attrs; }; } { a = null; } { a = { x = 1; }; } ]).a" \
  "The option \`a' is defined both null and not null" ||:
check_error option-declared-twice \
  "$P (h.cfgOf [ { options.a = mkOption { type = types.int; default = 1; }; } { options.a = mkOption { type = types.int; default = 2; }; } ]).a" \
  "The option \`a'" "is already declared in" ||:
check_error unique-option-defined-twice \
  "$P (h.cfgOf [ { options.p = mkOption { type = types.package; }; } { p = h.mkDrv { name = \"x\"; }; } { p = h.mkDrv { name = \"y\"; }; } ]).p" \
  "The option \`p' must be defined exactly once" ||:
check_error read-only \
  "$P (h.cfgOf [ { options.r = mkOption { type = types.int; readOnly = true; default = 1; }; } { r = 2; } ]).r" \
  "The option \`r' is read-only" ||:
check_error missing-module-argument \
  "$P (h.cfgOf [ $optInt ({ frobnicate, ... }: { a = frobnicate; }) ]).a" \
  "asks for the argument \`frobnicate'" ||:
check_error unsupported-module-attribute \
  "$P (h.cfgOf [ $optInt { config.a = 1; a = 2; } ]).a" \
  "unsupported attribute \`a'" ||:
check_error nested-imports-list \
  "$P (h.cfgOf [ { imports = [ [ $optInt ] ]; } ])" \
  "an element of \`imports' is a list" ||:
check_error class-mismatch \
  "$P (lib.evalModules { class = \"nixos\"; modules = [ { _class = \"darwin\"; } ]; }).config" \
  "is of class \`darwin'" "class \`nixos'" ||:
check_error enum-value \
  "$P (h.cfgOf [ { options.e = mkOption { type = types.enum [ \"a\" \"b\" ]; }; } { e = \"c\"; } ]).e" \
  "is not of type \`one of \"a\", \"b\"'" ||:
check_error mixing-legacy-and-new-platforms \
  "$P (h.nixosSystem { modules = [ { nixpkgs.hostPlatform = \"aarch64-linux\"; nixpkgs.crossSystem = { system = \"aarch64-linux\"; }; } ]; }).config.system.build.toplevel.name" \
  "Failed assertions" "nixpkgs.hostPlatform is set" ||:
check_error failed-user-assertion \
  "$P (h.nixosSystem { system = \"x86_64-linux\"; modules = [ { assertions = [ { assertion = false; message = \"custom check failed\"; } ]; } ]; }).config.system.build.toplevel.name" \
  "Failed assertions" "- custom check failed" ||:
check_error system-unset \
  "$P (h.nixosSystem { modules = [ ]; }).pkgs.hello.name" \
  "Neither nixpkgs.hostPlatform nor the legacy nixpkgs.system is set" ||:

# Warnings are printed (CppNix: "trace: evaluation warning: …") and do not fail.
if "$nix_instantiate" --eval --strict -E "$P (h.nixosSystem { system = \"x86_64-linux\"; modules = [ { warnings = [ \"mind the gap\" ]; } ]; }).config.system.build.toplevel.name" >/dev/null 2>"$tmp/err" &&
  grep -qF "mind the gap" "$tmp/err"; then
  echo "ok    warnings-printed"
  passed=$((passed + 1))
else
  echo "FAIL  warnings-printed"
  sed 's/^/      /' "$tmp/err"
  failed=$((failed + 1))
fi

echo "modules test cases: $cases"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
