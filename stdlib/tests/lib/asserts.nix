let
  h = import ./_helpers.nix;
  inherit (h) lib throws;
in
with lib;
h.runTests {
  testAssertMsgTrue = { expr = assertMsg true "never"; expected = true; };
  testAssertMsgFalse = { expr = throws (assertMsg false "boom"); expected = true; };
  testAssertMsgInAssert = { expr = throws (assert assertMsg (1 == 2) "one is not two"; 1); expected = true; };
  testAssertOneOf = { expr = assertOneOf "mode" "fast" [ "fast" "slow" ]; expected = true; };
  testAssertOneOfFails = { expr = throws (assertOneOf "mode" "medium" [ "fast" "slow" ]); expected = true; };
  testAssertEachOneOf = { expr = assertEachOneOf "modes" [ "fast" "slow" ] [ "fast" "slow" ]; expected = true; };
  testAssertEachOneOfEmpty = { expr = assertEachOneOf "modes" [ ] [ "fast" ]; expected = true; };
  testAssertEachOneOfFails = { expr = throws (assertEachOneOf "modes" [ "fast" "medium" ] [ "fast" "slow" ]); expected = true; };
  testShowValue = { expr = asserts.showValue [ "a" 1 null true { b = [ ]; } ]; expected = "[ \"a\" 1 null true { b = [  ]; } ]"; };
  testAssertMsgLazyMessage = { expr = assertMsg true (throw "message not forced"); expected = true; };
  testAssertOneOfFailsOnType = { expr = throws (assertOneOf "mode" 1 [ "1" ]); expected = true; };
  testAssertEachOneOfPartlyWrong = { expr = throws (assertEachOneOf "modes" [ "slow" "medium" ] [ "fast" "slow" ]); expected = true; };
}
