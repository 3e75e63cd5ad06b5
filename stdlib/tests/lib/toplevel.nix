# The shape of `lib`: sub-libraries, top-level re-exports, and builtins.
let
  h = import ./_helpers.nix;
  inherit (h) lib throws;

  subs = [ "trivial" "fixedPoints" "attrsets" "lists" "strings" "customisation" "asserts" "debug" "versions" "meta" "systems" ];

  # Names nixpkgs users expect directly on `lib` (from the brief).
  expectedTop = [
    "mapAttrs'" "optional" "optionals" "hasPrefix" "fix" "fix'" "id" "const" "isFunction" "functionArgs"
    "setFunctionArgs" "mirrorFunctionArgs" "toFunction" "inNixShell" "extends" "composeExtensions"
    "composeManyExtensions" "makeExtensible" "makeExtensibleWithCustomName" "toExtension" "converge"
    "flip" "pipe" "concat" "or" "and" "xor" "bitAnd" "bitOr" "bitXor" "boolToString" "mergeAttrs" "defaultTo"
    "mod" "compare" "splitByAndCompare" "importJSON" "importTOML" "warn" "warnIf" "warnIfNot" "throwIf"
    "throwIfNot" "info" "showWarnings" "version" "release" "codeName" "versionSuffix" "min" "max"
    "versionAtLeast" "versionOlder" "attrByPath" "hasAttrByPath" "setAttrByPath" "getAttrFromPath" "attrVals"
    "attrValues" "getAttrs" "catAttrs" "filterAttrs" "filterAttrsRecursive" "foldlAttrs" "foldAttrs" "collect"
    "cartesianProduct" "nameValuePair" "mapAttrs" "mapAttrsToList" "concatMapAttrs" "mapAttrsRecursive"
    "mapAttrsRecursiveCond" "genAttrs" "isDerivation" "optionalAttrs" "zipAttrsWithNames" "zipAttrsWith"
    "zipAttrs" "recursiveUpdateUntil" "recursiveUpdate" "matchAttrs" "overrideExisting" "showAttrPath"
    "getOutput" "getBin" "getLib" "getDev" "getMan" "chooseDevOutputs" "recurseIntoAttrs"
    "dontRecurseIntoAttrs" "updateManyAttrsByPath" "listToAttrs" "attrNames" "intersectAttrs" "singleton"
    "forEach" "foldr" "foldl" "foldl'" "imap0" "imap1" "ifilter0" "concatMap" "flatten" "remove" "findSingle"
    "findFirst" "any" "all" "count" "toList" "range" "replicate" "partition" "groupBy" "groupBy'"
    "zipListsWith" "zipLists" "reverseList" "listDfs" "toposort" "sort" "sortOn" "naturalSort" "compareLists"
    "take" "drop" "sublist" "last" "init" "crossLists" "unique" "allUnique" "intersectLists" "subtractLists"
    "mutuallyExclusive" "head" "tail" "length" "elemAt" "elem" "concatStrings" "concatMapStrings"
    "concatImapStrings" "intersperse" "concatStringsSep" "concatMapStringsSep" "concatImapStringsSep"
    "concatLines" "makeSearchPath" "makeSearchPathOutput" "makeLibraryPath" "makeBinPath" "optionalString"
    "hasSuffix" "hasInfix" "stringToCharacters" "stringAsChars" "escape" "escapeShellArg" "escapeShellArgs"
    "escapeNixString" "escapeNixIdentifier" "escapeRegex" "escapeXML" "escapeURL" "toUpper" "toLower"
    "addContextFrom" "splitString" "removePrefix" "removeSuffix" "getName" "getVersion" "nameFromURL"
    "enableFeature" "enableFeatureAs" "withFeature" "withFeatureAs" "mesonOption" "mesonBool" "mesonEnable"
    "cmakeOptionType" "cmakeBool" "cmakeFeature" "fixedWidthString" "fixedWidthNumber" "floatToString"
    "isStorePath" "isStringLike" "toInt" "toIntBase10" "fileContents" "sanitizeDerivationName" "levenshtein"
    "levenshteinAtMost" "commonPrefixLength" "commonSuffixLength" "trim" "trimWith" "toSentenceCase" "match"
    "split" "normalizePath" "charToInt" "toShellVar" "toShellVars" "makeOverridable" "callPackageWith"
    "callPackagesWith" "overrideDerivation" "makeScope" "extendDerivation" "assertMsg" "assertOneOf"
    "traceIf" "traceVal" "traceSeq" "traceValSeq" "traceValFn" "runTests" "addMetaAttrs" "dontDistribute"
    "setName" "updateName" "appendToName" "lowPrio" "hiPrio" "platformMatch" "availableOn" "getExe" "getExe'"
    "platforms"
  ];

  # Every top-level name that also exists in a sub-library must behave like it:
  # same kind of value (function or not).
  kind = v: if lib.isFunction v then "function" else builtins.typeOf v;
  mismatched = builtins.concatMap (
    s:
    builtins.filter (n: lib ? ${n} && n != "platforms" && kind lib.${n} != kind lib.${s}.${n}) (
      builtins.attrNames (if s == "systems" then { } else lib.${s})
    )
  ) subs;
in
h.runTests {
  testSubLibraries = { expr = builtins.filter (s: !(builtins.isAttrs lib.${s})) subs; expected = [ ]; };
  testExpectedTopLevel = { expr = builtins.filter (n: !(lib ? ${n})) expectedTop; expected = [ ]; };
  testReexportKinds = { expr = mismatched; expected = [ ]; };
  testReexportBehaviour = {
    expr = [ (lib.mapAttrs' (n: v: lib.nameValuePair v n) { a = "b"; }) (lib.hasPrefix "a" "ab") (lib.optional true 1) (lib.fix (s: { a = 1; })) ];
    expected = [ { b = "a"; } true [ 1 ] { a = 1; } ];
  };
  testBuiltinsReexported = {
    expr = [ (lib.isFloat 1.5) (lib.isPath ./.) (lib.typeOf 1) (lib.pathExists ./toplevel.nix) (lib.strings.hasSuffix "\n" (lib.readFile ./fixtures/version)) (lib.strings.compareVersions "1" "2") (lib.strings.parseDrvName "a-1").name (lib.strings.unsafeDiscardStringContext "x") ];
    expected = [ true true "int" true true (-1) "a" "x" ];
  };
  testGenericClosure = {
    expr = map (x: x.key) (lib.genericClosure { startSet = [ { key = 1; } ]; operator = x: if x.key < 3 then [ { key = x.key + 1; } ] else [ ]; });
    expected = [ 1 2 3 ];
  };
  testParseInternals = {
    expr =
      let
        p = lib.systems.parse;
        s = p.mkSystemFromSkeleton { cpu = "x86_64"; kernel = "linux"; };
      in
      [
        (p.isSystem s)
        (p.isSystem { })
        (p.kernelName p.kernels.linux)
        (p.mkSystem { })._type
        (p.significantBytes.bigEndian.name)
        (p.gnuNetBSDDefaultExecFormat p.cpuTypes.i686).name
        (p.gnuNetBSDDefaultExecFormat p.cpuTypes.x86_64).name
        s.abi.name
        s.vendor.name
      ];
    expected = [ true false "linux" "system" "bigEndian" "aout" "elf" "gnu" "unknown" ];
  };
  testNoOutsideImports = { expr = lib.systems.elaborate "x86_64-linux" ? config; expected = true; };
  testLazySubLibraries = {
    # Touching one function does not force unrelated sub-libraries.
    expr = ((import ../../lib).extend (final: prev: { debug = throw "debug forced"; })).id 1;
    expected = 1;
  };
}
