# Shared helpers for the lib tests (files starting with `_` are not tests).
let
  lib = import ../../lib;
in
{
  inherit lib;

  # `lib.debug.runTests`: the list of failures (empty when all pass).  With
  # LIB_TESTS_LIST=1 in the environment it lists the selected test names
  # instead, so the runner can count test cases.
  runTests =
    tests:
    if builtins.getEnv "LIB_TESTS_LIST" == "1" then
      builtins.filter (lib.strings.hasPrefix "test") (builtins.attrNames tests)
    else
      lib.debug.runTests tests;

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
