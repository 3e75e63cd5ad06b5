let
  h = import ./_helpers.nix;
  inherit (h) lib throws mkDrv;
  drv = mkDrv { name = "pkg-1.0"; outputs = [ "out" "bin" "lib" "dev" ]; };
in
with lib;
h.runTests {
  testConcatStrings = { expr = concatStrings [ "foo" "bar" ]; expected = "foobar"; };
  testConcatMapStrings = { expr = concatMapStrings (x: "a" + x) [ "foo" "bar" ]; expected = "afooabar"; };
  testConcatImapStrings = { expr = concatImapStrings (pos: x: "${toString pos}-${x}") [ "foo" "bar" ]; expected = "1-foo2-bar"; };
  testIntersperse = { expr = [ (intersperse "/" [ "usr" "local" "bin" ]) (intersperse "/" [ ]) (intersperse "/" [ "a" ]) ]; expected = [ [ "usr" "/" "local" "/" "bin" ] [ ] [ "a" ] ]; };
  testConcatStringsSep = { expr = concatStringsSep "," [ "a" "b" ]; expected = "a,b"; };
  testConcatMapStringsSep = { expr = concatMapStringsSep "-" (x: toUpper x) [ "foo" "bar" ]; expected = "FOO-BAR"; };
  testConcatImapStringsSep = { expr = concatImapStringsSep "-" (pos: x: toString (x / pos)) [ 6 6 6 ]; expected = "6-3-2"; };
  testConcatMapAttrsStringSep = { expr = concatMapAttrsStringSep "\n" (n: v: "${n}=${v}") { b = "2"; a = "1"; }; expected = "a=1\nb=2"; };
  testConcatLines = { expr = [ (concatLines [ "foo" "bar" ]) (concatLines [ ]) ]; expected = [ "foo\nbar\n" "" ]; };
  testStringsReplicate = { expr = [ (strings.replicate 3 "v") (strings.replicate 0 "v") ]; expected = [ "vvv" "" ]; };
  testMakeSearchPath = { expr = makeSearchPath "bin" [ "/root" null "/usr" ]; expected = "/root/bin:/usr/bin"; };
  testMakeSearchPathOutput = { expr = makeSearchPathOutput "dev" "bin" [ { out = "/o"; dev = "/d"; } ]; expected = "/d/bin"; };
  testMakeLibraryPath = { expr = makeLibraryPath [ { out = "/o"; lib = "/l"; } "/x" ]; expected = "/l/lib:/x/lib"; };
  testMakeBinPath = { expr = makeBinPath [ "/root" "/usr" ]; expected = "/root/bin:/usr/bin"; };
  testMakeIncludePath = { expr = makeIncludePath [ { out = "/o"; dev = "/d"; } ]; expected = "/d/include"; };
  testMakeBinPathDrv = { expr = makeBinPath [ drv ] == "${drv.bin}/bin"; expected = true; };
  testNormalizePath = { expr = [ (normalizePath "//a//b///") (normalizePath "a/b") (normalizePath "") ]; expected = [ "/a/b/" "a/b" "" ]; };
  testOptionalString = { expr = [ (optionalString true "x") (optionalString false "x") ]; expected = [ "x" "" ]; };
  testHasPrefix = { expr = [ (hasPrefix "foo" "foobar") (hasPrefix "foo" "barfoo") (hasPrefix "" "x") ]; expected = [ true false true ]; };
  testHasSuffix = { expr = [ (hasSuffix "foo" "barfoo") (hasSuffix "foo" "foobar") (hasSuffix "long" "g") ]; expected = [ true false false ]; };
  testHasInfix = { expr = [ (hasInfix "bc" "abcd") (hasInfix "b.c" "abxcd") (hasInfix "" "") (hasInfix "x" "a\nx") (hasInfix "z" "abc") ]; expected = [ true false true true false ]; };
  testStringToCharacters = { expr = [ (stringToCharacters "abc") (stringToCharacters "") ]; expected = [ [ "a" "b" "c" ] [ ] ]; };
  testStringAsChars = { expr = stringAsChars (x: if x == "a" then "i" else x) "nax"; expected = "nix"; };
  testCharToInt = { expr = map charToInt [ "A" " " "~" "\n" "a" ]; expected = [ 65 32 126 10 97 ]; };
  testCharToIntBad = { expr = throws (charToInt "ab"); expected = true; };
  testEscape = { expr = escape [ "(" ")" ] "(foo)"; expected = "\\(foo\\)"; };
  testEscapeC = { expr = escapeC [ " " "\n" ] "foo bar\n"; expected = "foo\\x20bar\\x0a"; };
  testEscapeURL = { expr = [ (escapeURL "foo/bar baz") (escapeURL "-_.~AZaz09") (escapeURL "?a=1&b") ]; expected = [ "foo%2Fbar%20baz" "-_.~AZaz09" "%3Fa%3D1%26b" ]; };
  testEscapeShellArg = { expr = [ (escapeShellArg "esc'ape\nme") (escapeShellArg "foo") (escapeShellArg "") (escapeShellArg "a b") (escapeShellArg 12) ]; expected = [ "'esc'\\''ape\nme'" "foo" "''" "'a b'" "12" ]; };
  testEscapeShellArgs = { expr = escapeShellArgs [ "one" "two three" "f'x" ]; expected = "one 'two three' 'f'\\''x'"; };
  testIsValidPosixName = { expr = map isValidPosixName [ "foo_bar000" "0foo" "a-b" "_" ]; expected = [ true false false true ]; };
  testToShellVar = {
    expr = [ (toShellVar "foo" "some string") (toShellVar "l" [ "x" "y z" ]) (toShellVar "m" { k = "v"; }) (toShellVar "d" { outPath = "/p"; }) ];
    expected = [ "foo='some string'" "declare -a l=(x 'y z')" "declare -A m=([k]=v)" "d=/p" ];
  };
  testToShellVarBadName = { expr = throws (toShellVar "a-b" "x"); expected = true; };
  testToShellVars = { expr = toShellVars { a = "1"; b = [ "x" ]; }; expected = "a=1\ndeclare -a b=(x)"; };
  testEscapeNixString = { expr = escapeNixString "hello\${}\n"; expected = "\"hello\\\${}\\n\""; };
  testEscapeRegex = { expr = escapeRegex "[^a-z]*"; expected = "\\[\\^a-z]\\*"; };
  testEscapeRegexWorks = { expr = builtins.match (escapeRegex "a.b*") "a.b*" != null && builtins.match (escapeRegex "a.b") "axb" == null; expected = true; };
  testEscapeNixIdentifier = { expr = map escapeNixIdentifier [ "hello" "0abc" "foo'-bar" "if" "a b" ]; expected = [ "hello" "\"0abc\"" "foo'-bar" "\"if\"" "\"a b\"" ]; };
  testEscapeXML = { expr = escapeXML ''"test" 'test' < & >''; expected = "&quot;test&quot; &apos;test&apos; &lt; &amp; &gt;"; };
  testLowerUpperChars = { expr = [ (length lowerChars) (head upperChars) (last lowerChars) ]; expected = [ 26 "A" "z" ]; };
  testToUpper = { expr = toUpper "home1"; expected = "HOME1"; };
  testToLower = { expr = toLower "HOME1"; expected = "home1"; };
  testToSentenceCase = { expr = [ (toSentenceCase "hELLO") (toSentenceCase "") ]; expected = [ "Hello" "" ]; };
  testToSentenceCaseNotString = { expr = throws (toSentenceCase 1); expected = true; };
  testAddContextFrom = {
    expr = let s = addContextFrom "${drv}" "bar"; in [ s (builtins.hasContext s) (builtins.hasContext (addContextFrom "x" "bar")) ];
    expected = [ "bar" true false ];
  };
  testSplitString = { expr = [ (splitString "/" "/usr/local/bin") (splitString "." "foo.bar.baz") (splitString "," "") (splitString ", " "a, b") ]; expected = [ [ "" "usr" "local" "bin" ] [ "foo" "bar" "baz" ] [ "" ] [ "a" "b" ] ]; };
  testSplitStringKeepsContext = { expr = builtins.hasContext (head (splitString "/" "${drv}/bin")); expected = true; };
  testReplaceString = { expr = replaceString "." "-" "a.b.c"; expected = "a-b-c"; };
  testReplaceStrings = { expr = replaceStrings [ "a" "b" ] [ "b" "c" ] "ab"; expected = "bc"; };
  testRemovePrefix = { expr = [ (removePrefix "foo." "foo.bar.baz") (removePrefix "xfoo" "foo.bar") ]; expected = [ "bar.baz" "foo.bar" ]; };
  testRemoveSuffix = { expr = [ (removeSuffix "front" "homefront") (removeSuffix "xxx" "home") ]; expected = [ "home" "home" ]; };
  testVersionOlder = { expr = [ (versionOlder "1.1" "1.2") (versionOlder "1.1" "1.1") (versionOlder "1.10" "1.9") ]; expected = [ true false false ]; };
  testVersionAtLeast = { expr = [ (versionAtLeast "1.1" "1.0") (versionAtLeast "1.1" "1.1") (versionAtLeast "1.1" "1.2") ]; expected = [ true true false ]; };
  testGetName = { expr = [ (getName "youtube-dl-2016.01.01") (getName { pname = "x"; name = "y-1"; }) (getName { name = "y-1"; }) ]; expected = [ "youtube-dl" "x" "y" ]; };
  testGetVersion = { expr = [ (getVersion "youtube-dl-2016.01.01") (getVersion { version = "2"; name = "y-1"; }) (getVersion { name = "y-1"; }) ]; expected = [ "2016.01.01" "2" "1" ]; };
  testNameFromURL = { expr = nameFromURL "https://nixos.org/releases/nix/nix-1.7/nix-1.7-x86_64-linux.tar.bz2" "-"; expected = "nix"; };
  testNameFromURLNoSep = { expr = throws (nameFromURL "https://x/abc" "-"); expected = true; };
  testEnableFeature = { expr = [ (enableFeature true "shared") (enableFeature false "shared") ]; expected = [ "--enable-shared" "--disable-shared" ]; };
  testEnableFeatureAs = { expr = [ (enableFeatureAs true "shared" "foo") (enableFeatureAs false "shared" "foo") ]; expected = [ "--enable-shared=foo" "--disable-shared" ]; };
  testWithFeature = { expr = [ (withFeature true "x") (withFeature false "x") ]; expected = [ "--with-x" "--without-x" ]; };
  testWithFeatureAs = { expr = [ (withFeatureAs true "x" "y") (withFeatureAs false "x" "y") ]; expected = [ "--with-x=y" "--without-x" ]; };
  testEnableFeatureNotString = { expr = throws (enableFeature true 1); expected = true; };
  testMesonOption = { expr = mesonOption "engine" "opengl"; expected = "-Dengine=opengl"; };
  testMesonBool = { expr = [ (mesonBool "hardened" true) (mesonBool "b" false) ]; expected = [ "-Dhardened=true" "-Db=false" ]; };
  testMesonEnable = { expr = [ (mesonEnable "docs" true) (mesonEnable "docs" false) ]; expected = [ "-Ddocs=enabled" "-Ddocs=disabled" ]; };
  testCmakeOptionType = { expr = [ (cmakeOptionType "string" "ENGINE" "sdl2") (cmakeOptionType "FILEPATH" "F" "/a") ]; expected = [ "-DENGINE:STRING=sdl2" "-DF:FILEPATH=/a" ]; };
  testCmakeOptionTypeBad = { expr = throws (cmakeOptionType "float" "X" "1"); expected = true; };
  testCmakeBool = { expr = [ (cmakeBool "ENABLE_FOO" true) (cmakeBool "ENABLE_FOO" false) ]; expected = [ "-DENABLE_FOO:BOOL=TRUE" "-DENABLE_FOO:BOOL=FALSE" ]; };
  testCmakeFeature = { expr = cmakeFeature "MODULES" "badblock"; expected = "-DMODULES:STRING=badblock"; };
  testFixedWidthString = { expr = [ (fixedWidthString 5 "0" "10") (fixedWidthString 2 "0" "10") (fixedWidthString 3 " " "") ]; expected = [ "00010" "10" "   " ]; };
  testFixedWidthStringTooLong = { expr = throws (fixedWidthString 1 "0" "10"); expected = true; };
  testFixedWidthNumber = { expr = fixedWidthNumber 5 15; expected = "00015"; };
  testFloatToString = { expr = [ (floatToString 0.5) (floatToString 1.0) ]; expected = [ "0.500000" "1.000000" ]; };
  testIsStorePath = {
    expr = [
      (isStorePath "/nix/store/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11")
      (isStorePath "/nix/store/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11/bin/python")
      (isStorePath drv)
      (isStorePath "relative")
      (isStorePath 1)
    ];
    expected = [ true false true false false ];
  };
  testIsStringLike = { expr = [ (isStringLike "a") (isStringLike ./_helpers.nix) (isStringLike drv) (isStringLike { __toString = _: "x"; }) (isStringLike 1) (isStringLike { }) ]; expected = [ true true true true false false ]; };
  testIsConvertibleWithToString = { expr = [ (isConvertibleWithToString [ 1 null ]) (isConvertibleWithToString { }) (isConvertibleWithToString true) ]; expected = [ true false true ]; };
  testToInt = { expr = [ (toInt "1337") (toInt " 42 ") (toInt "-4") (toInt "0") ]; expected = [ 1337 42 (-4) 0 ]; };
  testToIntErrors = { expr = map (s: throws (toInt s)) [ "01" "1.5" "" "abc" "0x10" "3 4" ]; expected = [ true true true true true true ]; };
  testToIntBase10 = { expr = [ (toIntBase10 "00010") (toIntBase10 "0") (toIntBase10 " 007 ") (toIntBase10 "-007") ]; expected = [ 10 0 7 (-7) ]; };
  testToIntBase10Errors = { expr = map (s: throws (toIntBase10 s)) [ "1.5" "" "x" ]; expected = [ true true true ]; };
  testFileContents = { expr = fileContents ./fixtures/version; expected = "1.2.3"; };
  testSanitizeDerivationName = {
    expr = map sanitizeDerivationName [ "../hello.bar # foo" "" "ok-name" "..." "a b" ];
    expected = [ "-hello.bar-foo" "unknown" "ok-name" "unknown" "a-b" ];
  };
  testSanitizeDerivationNameLong = { expr = stringLength (sanitizeDerivationName (strings.replicate 300 "a")); expected = 207; };
  testSanitizeDerivationNameContext = { expr = builtins.hasContext (sanitizeDerivationName "${drv}"); expected = false; };
  testLevenshtein = { expr = [ (levenshtein "kitten" "sitting") (levenshtein "" "abc") (levenshtein "abc" "abc") (levenshtein "a" "") (levenshtein "flaw" "lawn") ]; expected = [ 3 3 0 1 2 ]; };
  testLevenshteinAtMost = { expr = map (k: levenshteinAtMost k "foo" "boa") [ 0 1 2 3 ]; expected = [ false false true true ]; };
  testLevenshteinAtMostEqual = { expr = [ (levenshteinAtMost 0 "a" "a") (levenshteinAtMost 2 "a" "abcd") ]; expected = [ true false ]; };
  testCommonPrefixLength = { expr = [ (commonPrefixLength "hello" "help") (commonPrefixLength "" "a") (commonPrefixLength "ab" "ab") ]; expected = [ 3 0 2 ]; };
  testCommonSuffixLength = { expr = [ (commonSuffixLength "test" "rest") (commonSuffixLength "" "a") (commonSuffixLength "ab" "xb") ]; expected = [ 3 0 1 ]; };
  testTrim = { expr = [ (trim "   hello, world!   ") (trim "") (trim "   ") (trim " a\nb \n") (trim "\tx\r") ]; expected = [ "hello, world!" "" "" "a\nb" "x" ]; };
  testTrimWith = { expr = [ (trimWith { start = true; } "  a  ") (trimWith { end = true; } "  a  ") (trimWith { } "  a  ") ]; expected = [ "a  " "  a" "  a  " ]; };
  testMatchSplit = { expr = [ (match "a(b)" "ab") (split "," "a,b") ]; expected = [ [ "b" ] [ "a" [ ] "b" ] ]; };
  testStringsReexports = { expr = [ (strings.stringLength "abc") (strings.substring 1 1 "abc") (strings.toString 1) ]; expected = [ 3 "b" "1" ]; };
  testToUpperLowerAsciiOnly = { expr = [ (toUpper "é-a") (toLower "É-A") (toUpper "") ]; expected = [ "é-A" "É-a" "" ]; };
  testConcatStringsSepEdges = { expr = [ (concatStringsSep "," [ ]) (concatStringsSep "," [ "a" ]) (concatMapStringsSep "-" toString [ 1 2 ]) ]; expected = [ "" "a" "1-2" ]; };
  testHasSuffixLonger = { expr = [ (hasSuffix "abc" "c") (hasSuffix "" "c") (hasInfix "" "") ]; expected = [ false true true ]; };
  testToIntLimits = { expr = [ (toInt "9223372036854775807") (toInt "-9223372036854775808") ]; expected = [ 9223372036854775807 (-9223372036854775807 - 1) ]; };
  testStringToCharactersEmpty = { expr = stringToCharacters ""; expected = [ ]; };
  testRemoveSuffixNotSuffix = { expr = [ (removeSuffix "x" "abc") (removeSuffix "" "abc") (removePrefix "" "abc") ]; expected = [ "abc" "abc" "abc" ]; };
}
