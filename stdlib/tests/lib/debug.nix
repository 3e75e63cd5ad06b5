let
  h = import ./_helpers.nix;
  inherit (h) lib throws;
in
with lib;
h.runTests {
  testTraceIf = { expr = [ (traceIf false "never" 1) (traceIf true "test trace (expected)" 2) ]; expected = [ 1 2 ]; };
  testTraceVal = { expr = traceVal 42; expected = 42; };
  testTraceValFn = { expr = traceValFn (v: "value is ${toString v}") 42; expected = 42; };
  testTraceSeq = { expr = traceSeq { a.b = 1; } "done"; expected = "done"; };
  testTraceSeqForces = { expr = throws (traceSeq { a = throw "deep"; } "done"); expected = true; };
  testTraceValSeq = { expr = traceValSeq [ 1 2 ]; expected = [ 1 2 ]; };
  testTraceValSeqFn = { expr = traceValSeqFn (v: "len ${toString (length v)}") [ 1 2 ]; expected = [ 1 2 ]; };
  testTraceValSeqForces = { expr = throws (traceValSeq [ (throw "deep") ]); expected = true; };
  testRunTests = {
    expr = runTests {
      testOk = { expr = 1; expected = 1; };
      testBad = { expr = 1; expected = 2; };
      notATest = { expr = 1; expected = 2; };
    };
    expected = [ { name = "testBad"; expected = 2; result = 1; } ];
  };
  testRunTestsSelected = {
    expr = runTests {
      tests = [ "testBad" ];
      testBad = { expr = 1; expected = 2; };
      testBad2 = { expr = 1; expected = 2; };
    };
    expected = [ { name = "testBad"; expected = 2; result = 1; } ];
  };
  testRunTestsEmpty = { expr = runTests { }; expected = [ ]; };
  testTestAllTrue = { expr = testAllTrue [ true false ]; expected = { expr = [ true false ]; expected = [ true true ]; }; };
  testAddErrorContext = { expr = debug.addErrorContext "while testing" 1; expected = 1; };
}
