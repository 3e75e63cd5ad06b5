let
  h = import ./_helpers.nix;
  inherit (h) lib throws;
in
with lib;
h.runTests {
  testId = { expr = id 3; expected = 3; };
  testConst = { expr = const 1 "ignored"; expected = 1; };
  testPipe = { expr = pipe 2 [ (x: x + 1) (x: x * 10) ]; expected = 30; };
  testPipeEmpty = { expr = pipe 2 [ ]; expected = 2; };
  testConcat = { expr = concat [ 1 ] [ 2 3 ]; expected = [ 1 2 3 ]; };
  testOr = { expr = [ (trivial.or false true) (trivial.or false false) ]; expected = [ true false ]; };
  testAnd = { expr = [ (trivial.and true false) (trivial.and true true) ]; expected = [ false true ]; };
  testXor = { expr = map (p: xor p.a p.b) (cartesianProduct { a = [ false true ]; b = [ false true ]; }); expected = [ false true true false ]; };
  testBitAnd = { expr = bitAnd 12 10; expected = 8; };
  testBitOr = { expr = bitOr 12 10; expected = 14; };
  testBitXor = { expr = bitXor 12 10; expected = 6; };
  testBitNot = { expr = [ (bitNot 0) (bitNot 5) ]; expected = [ (-1) (-6) ]; };
  testBoolToString = { expr = [ (boolToString true) (boolToString false) ]; expected = [ "true" "false" ]; };
  testBoolToYesNo = { expr = [ (boolToYesNo true) (boolToYesNo false) ]; expected = [ "yes" "no" ]; };
  testMergeAttrs = { expr = mergeAttrs { a = 1; b = 1; } { b = 2; }; expected = { a = 1; b = 2; }; };
  testFlip = { expr = flip builtins.sub 1 10; expected = 9; };
  testFlipConcat = { expr = flip concat [ 1 ] [ 2 ]; expected = [ 2 1 ]; };
  testDefaultTo = { expr = [ (defaultTo 5 null) (defaultTo 5 3) (defaultTo 5 false) ]; expected = [ 5 3 false ]; };
  testMapNullable = { expr = [ (mapNullable (x: x + 1) null) (mapNullable (x: x + 1) 1) ]; expected = [ null 2 ]; };
  testVersion = { expr = version == release + versionSuffix && builtins.isString codeName; expected = true; };
  testReleaseShape = { expr = builtins.match "[0-9]+\\.[0-9]+" release != null; expected = true; };
  testOldestRelease = { expr = [ (isInOldestRelease 2505) (isInOldestRelease 9999) (builtins.isInt oldestSupportedRelease) ]; expected = [ true false true ]; };
  testRevisionWithDefault = { expr = trivial.revisionWithDefault "abc"; expected = "abc"; };
  testInNixShell = { expr = builtins.isBool inNixShell; expected = true; };
  testInPureEvalMode = { expr = inPureEvalMode; expected = false; };
  testMin = { expr = [ (min 3 2) (min "a" "b") ]; expected = [ 2 "a" ]; };
  testMax = { expr = [ (max 3 2) (max "a" "b") ]; expected = [ 3 "b" ]; };
  testMod = { expr = [ (mod 11 10) (mod 1 10) (mod (-11) 10) (mod 20 10) ]; expected = [ 1 1 (-1) 0 ]; };
  testCompare = { expr = [ (compare 1 2) (compare 2 1) (compare "a" "a") ]; expected = [ (-1) 1 0 ]; };
  testSplitByAndCompare = {
    expr = builtins.sort (a: b: splitByAndCompare (hasPrefix "fs") compare compare a b < 0) [ "b" "fsb" "a" "fsa" ];
    expected = [ "fsa" "fsb" "a" "b" ];
  };
  testImportJSON = { expr = importJSON ./fixtures/data.json; expected = { a = [ 1 true ]; }; };
  testImportTOML = { expr = importTOML ./fixtures/data.toml; expected = { a = 1; b.c = "x"; }; };
  testWarnReturnsValue = { expr = warn "test warning (expected)" 1; expected = 1; };
  testWarnIf = { expr = [ (warnIf false "never" 1) (warnIf true "test warning (expected)" 2) ]; expected = [ 1 2 ]; };
  testWarnIfNot = { expr = [ (warnIfNot true "never" 1) (warnIfNot false "test warning (expected)" 2) ]; expected = [ 1 2 ]; };
  testThrowIf = { expr = [ (throwIf false "boom" 1) (throws (throwIf true "boom" 1)) ]; expected = [ 1 true ]; };
  testThrowIfNot = { expr = [ (throwIfNot true "boom" 1) (throws (throwIfNot false "boom" 1)) ]; expected = [ 1 true ]; };
  testCheckListOfEnum = {
    expr = [ (checkListOfEnum "colour" [ "red" "blue" ] [ "red" ] 1) (throws (checkListOfEnum "colour" [ "red" ] [ "green" ] 1)) ];
    expected = [ 1 true ];
  };
  testInfo = { expr = info "test info (expected)" 1; expected = 1; };
  testShowWarnings = { expr = [ (showWarnings [ ] 1) (showWarnings [ "test warning 1 (expected)" "test warning 2 (expected)" ] 2) ]; expected = [ 1 2 ]; };
  testSeq = { expr = [ (trivial.seq 1 2) (throws (trivial.seq (throw "x") 2)) ]; expected = [ 2 true ]; };
  testDeepSeq = { expr = [ (trivial.deepSeq { a = 1; } 2) (throws (trivial.deepSeq { a = throw "x"; } 2)) ]; expected = [ 2 true ]; };
  testFunctionArgs = { expr = functionArgs ({ a, b ? 1 }: a); expected = { a = false; b = true; }; };
  testFunctionArgsPlain = { expr = functionArgs (x: x); expected = { }; };
  testFunctionArgsFunctor = {
    expr = functionArgs { __functor = self: { x, y ? 2 }: x; };
    expected = { x = false; y = true; };
  };
  testFunctionArgsFunctorExplicit = {
    expr = functionArgs { __functor = self: x: x; __functionArgs = { q = true; }; };
    expected = { q = true; };
  };
  testSetFunctionArgs = {
    expr = let f = setFunctionArgs (x: x.a) { a = false; }; in [ (functionArgs f) (f { a = 4; }) ];
    expected = [ { a = false; } 4 ];
  };
  testIsFunction = {
    expr = [ (isFunction (x: x)) (isFunction builtins.add) (isFunction { __functor = self: x: x; }) (isFunction { }) (isFunction 1) ];
    expected = [ true true true false false ];
  };
  testBuiltinIsFunctionFunctor = { expr = builtins.isFunction { __functor = self: x: x; }; expected = false; };
  testToFunction = { expr = [ (toFunction 5 "x") (toFunction (x: x + 1) 1) ]; expected = [ 5 2 ]; };
  testMirrorFunctionArgs = {
    expr = let g = mirrorFunctionArgs ({ a, b ? 1 }: a) (x: x.a * 2); in [ (functionArgs g) (g { a = 3; }) ];
    expected = [ { a = false; b = true; } 6 ];
  };
  testTrivialVersionCompare = { expr = [ (trivial.versionOlder "1.1" "1.2") (trivial.versionAtLeast "1.1" "1.2") (trivial.versionAtLeast "2" "2") ]; expected = [ true false true ]; };
  testToBaseDigits = { expr = [ (toBaseDigits 2 6) (toBaseDigits 10 0) (toBaseDigits 16 255) ]; expected = [ [ 1 1 0 ] [ 0 ] [ 15 15 ] ]; };
  testToHexString = { expr = [ (toHexString 250) (toHexString 0) (toHexString 4096) ]; expected = [ "FA" "0" "1000" ]; };
  testFromHexString = { expr = [ (fromHexString "ff") (fromHexString "FF") (fromHexString "0") (throws (fromHexString "xyz")) ]; expected = [ 255 255 0 true ]; };
  testToBaseDigitsBadBase = { expr = [ (throws (toBaseDigits 1 5)) (throws (toBaseDigits 0 5)) ]; expected = [ true true ]; };
  testThrowIfMessageLazy = { expr = [ (throwIf false (throw "message not forced") 1) (throwIfNot true (throw "message not forced") 2) ]; expected = [ 1 2 ]; };
  testWarnIfFalseReturnsValue = { expr = [ (warnIf false "not printed" 1) (warnIfNot true "not printed" 2) ]; expected = [ 1 2 ]; };
}
