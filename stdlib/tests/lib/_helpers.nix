# Shared helpers for the lib tests (files starting with `_` are not tests).
let
  lib = import ../../lib;
in
{
  inherit lib;

  # True if evaluating `e` completely throws (or fails an assertion).
  throws = e: !(builtins.tryEval (builtins.deepSeq e e)).success;

  # A minimal derivation for tests that need one; it is never built.
  mkDrv =
    attrs:
    derivation (
      {
        name = "test";
        system = "x86_64-linux";
        builder = "/bin/sh";
      }
      // attrs
    );
}
