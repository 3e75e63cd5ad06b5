# Shared definitions for the package-set tests (cross.md §13 notation).
let
  lib = import ../../lib;
  libHelpers = import ../lib/_helpers.nix;
  nixpkgs = ../..;
  N = import nixpkgs { localSystem = "x86_64-linux"; config = { }; overlays = [ ]; };
  X = import nixpkgs {
    localSystem = "x86_64-linux";
    crossSystem = lib.systems.examples.aarch64-multiplatform;
    config = { };
    overlays = [ ];
  };
in
{
  inherit lib nixpkgs N X;
  inherit (libHelpers) runTests throws;
  # Instantiates the package set with explicit (empty unless given) config and overlays.
  pkgsWith = args: import nixpkgs ({ localSystem = "x86_64-linux"; config = { }; overlays = [ ]; } // args);
  tri = s: [
    s.buildPlatform.config
    s.hostPlatform.config
    s.targetPlatform.config
  ];
  x = "x86_64-unknown-linux-gnu";
  a = "aarch64-unknown-linux-gnu";
  # True if the value evaluates (deeply) without error.
  evaluates = e: (builtins.tryEval (builtins.deepSeq e true)).success;
}
