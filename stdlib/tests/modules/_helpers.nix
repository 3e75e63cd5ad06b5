# Shared helpers for the module-system tests (files starting with `_` are
# not tests).  Like stdlib/tests/lib/_helpers.nix, plus evaluation shortcuts.
let
  lib = import ../../lib;
  libHelpers = import ../lib/_helpers.nix;

  # The package set NixOS-lite instantiates: the stand-in of fixtures/ until
  # the real one (stdlib/default.nix) exists; MODULES_TESTS_REAL_PKGS=1 picks
  # the real one.
  realPkgs = ../../default.nix;
  useReal = builtins.getEnv "MODULES_TESTS_REAL_PKGS" == "1" && builtins.pathExists realPkgs;
  pkgsPath = if useReal then ../.. else ./fixtures/stand-in-pkgs.nix;
in
rec {
  inherit lib pkgsPath;
  inherit (libHelpers) runTests throws mkDrv;

  # `evalModules` on a list of modules.
  eval = modules: lib.evalModules { inherit modules; };
  # Its `config`.
  cfgOf = modules: (eval modules).config;

  # `import nixpkgs { … }` of the tests.
  importPkgs = import pkgsPath;

  # `nixpkgs.lib.nixosSystem`, with the package set above.
  nixosSystem = args: lib.nixosSystem (args // { inherit pkgsPath; });

  # An option declaration module: `opt "a" types.int { default = 4; }`.
  opt =
    name: type: extra:
    {
      options = lib.setAttrByPath (lib.splitString "." name) (lib.mkOption ({ inherit type; } // extra));
    };

  # True if evaluating `e` to WHNF throws (or fails an assertion).
  throwsWhnf = e: !(builtins.tryEval e).success;
}
