let
  h = import ./_helpers.nix;
  inherit (h) lib throws mkDrv;
  drv = mkDrv { outputs = [ "out" "bin" "dev" ]; };
in
with lib;
with lib.attrsets;
h.runTests {
  testAttrByPath = { expr = [ (attrByPath [ "a" "b" ] 0 { a.b = 1; }) (attrByPath [ "a" "c" ] 0 { a.b = 1; }) (attrByPath [ "a" "b" ] 0 { a = 5; }) (attrByPath [ ] 0 { x = 1; }) ]; expected = [ 1 0 0 { x = 1; } ]; };
  testAttrByPathLazyDefault = { expr = attrByPath [ "a" ] (throw "unused") { a = 1; }; expected = 1; };
  testHasAttrByPath = { expr = [ (hasAttrByPath [ "a" "b" ] { a.b = null; }) (hasAttrByPath [ "a" "c" ] { a.b = 1; }) (hasAttrByPath [ ] { }) (hasAttrByPath [ "a" "b" ] { a = 1; }) ]; expected = [ true false true false ]; };
  testSetAttrByPath = { expr = setAttrByPath [ "a" "b" ] 3; expected = { a = { b = 3; }; }; };
  testSetAttrByPathEmpty = { expr = setAttrByPath [ ] 3; expected = 3; };
  testGetAttrFromPath = { expr = getAttrFromPath [ "a" "b" ] { a.b = 1; }; expected = 1; };
  testGetAttrFromPathMissing = { expr = throws (getAttrFromPath [ "a" "c" ] { a.b = 1; }); expected = true; };
  testUpdateManyAttrsByPath = {
    expr = updateManyAttrsByPath [
      { path = [ "a" "b" ]; update = old: { d = old.c; }; }
      { path = [ "a" "b" "c" ]; update = old: old + 1; }
      { path = [ "x" "y" ]; update = old: "xy"; }
    ] { a.b.c = 0; };
    expected = { a = { b = { d = 1; }; }; x = { y = "xy"; }; };
  };
  testUpdateManyAttrsByPathOrder = {
    expr = updateManyAttrsByPath [
      { path = [ "a" ]; update = old: old * 10; }
      { path = [ "a" ]; update = old: old + 1; }
    ] { a = 1; b = 2; };
    expected = { a = 11; b = 2; };
  };
  testUpdateManyAttrsByPathRoot = { expr = updateManyAttrsByPath [ { path = [ ]; update = old: old // { z = 1; }; } ] { a = 1; }; expected = { a = 1; z = 1; }; };
  testUpdateManyAttrsByPathMissingOld = { expr = throws (updateManyAttrsByPath [ { path = [ "q" ]; update = old: old + 1; } ] { }); expected = true; };
  testUpdateManyAttrsByPathNone = { expr = updateManyAttrsByPath [ ] { a = 1; }; expected = { a = 1; }; };
  testAttrVals = { expr = attrVals [ "b" "a" ] { a = 1; b = 2; }; expected = [ 2 1 ]; };
  testAttrValuesSorted = { expr = attrValues { b = 1; a = 2; }; expected = [ 2 1 ]; };
  testAttrNames = { expr = attrNames { b = 1; a = 2; }; expected = [ "a" "b" ]; };
  testGetAttrs = { expr = getAttrs [ "a" ] { a = 1; b = 2; }; expected = { a = 1; }; };
  testCatAttrs = { expr = catAttrs "a" [ { a = 1; } { b = 0; } { a = 2; } ]; expected = [ 1 2 ]; };
  testFilterAttrs = { expr = filterAttrs (n: v: n != "a" && v > 1) { a = 5; b = 2; c = 1; }; expected = { b = 2; }; };
  testFilterAttrsLazyValues = { expr = attrNames (filterAttrs (n: v: n == "a") { a = throw "lazy"; b = 1; }); expected = [ "a" ]; };
  testFilterAttrsRecursive = { expr = filterAttrsRecursive (n: v: v != null) { a.b = null; c = 1; d = { e = 2; }; }; expected = { a = { }; c = 1; d = { e = 2; }; }; };
  testFoldlAttrs = { expr = foldlAttrs (acc: n: v: acc ++ [ "${n}${toString v}" ]) [ ] { b = 2; a = 1; }; expected = [ "a1" "b2" ]; };
  testFoldlAttrsEmpty = { expr = foldlAttrs (acc: n: v: acc + v) 7 { }; expected = 7; };
  testFoldAttrs = { expr = foldAttrs (item: acc: [ item ] ++ acc) [ ] [ { a = 2; } { a = 3; b = 1; } ]; expected = { a = [ 2 3 ]; b = [ 1 ]; }; };
  testCollect = { expr = collect builtins.isList { a.b = [ 1 ]; c = [ 2 ]; d = 3; }; expected = [ [ 1 ] [ 2 ] ]; };
  testCollectSets = { expr = collect (x: x ? outPath) { a = { outPath = "a/"; }; b = { c = { outPath = "c/"; }; }; }; expected = [ { outPath = "a/"; } { outPath = "c/"; } ]; };
  testCartesianProduct = {
    expr = cartesianProduct { a = [ 1 2 ]; b = [ 10 20 ]; };
    expected = [ { a = 1; b = 10; } { a = 1; b = 20; } { a = 2; b = 10; } { a = 2; b = 20; } ];
  };
  testCartesianProductEmptySet = { expr = cartesianProduct { }; expected = [ { } ]; };
  testCartesianProductEmptyList = { expr = cartesianProduct { a = [ ]; b = [ 1 ]; }; expected = [ ]; };
  testCartesianProductOfSets = { expr = cartesianProductOfSets { a = [ 1 ]; b = [ 2 3 ]; }; expected = [ { a = 1; b = 2; } { a = 1; b = 3; } ]; };
  testMapCartesianProduct = { expr = mapCartesianProduct ({ a, b }: a + b) { a = [ 1 2 ]; b = [ 10 ]; }; expected = [ 11 12 ]; };
  testNameValuePair = { expr = nameValuePair "a" 1; expected = { name = "a"; value = 1; }; };
  testMapAttrs = { expr = mapAttrs (n: v: n + v) { a = "x"; }; expected = { a = "ax"; }; };
  testMapAttrsPrime = { expr = mapAttrs' (n: v: nameValuePair "x_${n}" (v * 2)) { a = 1; b = 2; }; expected = { x_a = 2; x_b = 4; }; };
  testMapAttrsToList = { expr = mapAttrsToList (n: v: n + v) { b = "y"; a = "x"; }; expected = [ "ax" "by" ]; };
  testMapAttrsFlatten = { expr = mapAttrsFlatten (n: v: v) { b = 2; a = 1; }; expected = [ 1 2 ]; };
  testAttrsToList = { expr = attrsToList { b = 1; a = 2; }; expected = [ { name = "a"; value = 2; } { name = "b"; value = 1; } ]; };
  testConcatMapAttrs = {
    expr = concatMapAttrs (n: v: { ${n} = v; "${n}2" = v * 2; last = n; }) { a = 1; b = 2; };
    expected = { a = 1; a2 = 2; b = 2; b2 = 4; last = "b"; };
  };
  testMapAttrsRecursive = { expr = mapAttrsRecursive (path: v: concatStringsSep "." path + "=" + toString v) { a.b = 1; c = 2; }; expected = { a = { b = "a.b=1"; }; c = "c=2"; }; };
  testMapAttrsRecursiveCond = {
    expr = mapAttrsRecursiveCond (s: !(s ? stop)) (p: v: p) { a = { stop = 1; }; b.c = 1; };
    expected = { a = [ "a" ]; b = { c = [ "b" "c" ]; }; };
  };
  testGenAttrs = { expr = genAttrs [ "a" "b" ] (n: "x_" + n); expected = { a = "x_a"; b = "x_b"; }; };
  testGenAttrsPrime = { expr = genAttrs' [ "a" "b" ] (x: nameValuePair "x_${x}" x); expected = { x_a = "a"; x_b = "b"; }; };
  testIsDerivation = { expr = [ (isDerivation drv) (isDerivation { type = "derivation"; }) (isDerivation { }) (isDerivation "x") ]; expected = [ true true false false ]; };
  testOptionalAttrs = { expr = [ (optionalAttrs true { a = 1; }) (optionalAttrs false { a = 1; }) ]; expected = [ { a = 1; } { } ]; };
  testZipAttrsWithNames = { expr = zipAttrsWithNames [ "a" "c" ] (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ]; expected = { a = [ 1 2 ]; c = [ ]; }; };
  testZipAttrsWith = { expr = zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ]; expected = { a = [ 1 2 ]; b = [ 3 ]; }; };
  testZipAttrs = { expr = zipAttrs [ { a = 1; } { a = 2; } ]; expected = { a = [ 1 2 ]; }; };
  testRecursiveUpdateUntil = {
    expr = recursiveUpdateUntil (path: l: r: path == [ "a" ]) { a.x = 1; b.x = 1; } { a.y = 2; b.y = 2; };
    expected = { a = { y = 2; }; b = { x = 1; y = 2; }; };
  };
  testRecursiveUpdate = {
    expr = recursiveUpdate { a.x = 1; b = 1; c.d = 1; } { a.y = 2; b = { z = 1; }; c = 3; };
    expected = { a = { x = 1; y = 2; }; b = { z = 1; }; c = 3; };
  };
  testMatchAttrs = {
    expr = [ (matchAttrs { cpu.bits = 64; } { cpu = { bits = 64; name = "x"; }; }) (matchAttrs { cpu.bits = 64; } { cpu = 1; }) (matchAttrs { a = 1; } { }) (matchAttrs { } { a = 1; }) (matchAttrs { a = [ 1 ]; } { a = [ 1 ]; }) ];
    expected = [ true false false true true ];
  };
  testMatchAttrsNotSet = { expr = throws (matchAttrs 1 { }); expected = true; };
  testMergeAttrsList = { expr = mergeAttrsList [ { a = 1; } { a = 2; b = 3; } { } ]; expected = { a = 2; b = 3; }; };
  testMergeAttrsListEmpty = { expr = mergeAttrsList [ ]; expected = { }; };
  testOverrideExisting = { expr = overrideExisting { a = 1; b = 2; } { a = 3; c = 4; }; expected = { a = 3; b = 2; }; };
  testShowAttrPath = { expr = [ (showAttrPath [ "a" "b c" "if" ]) (showAttrPath [ ]) ]; expected = [ "a.\"b c\".\"if\"" "<root attribute path>" ]; };
  testGetOutput = { expr = [ (getOutput "dev" { out = "o"; dev = "d"; }) (getOutput "dev" { out = "o"; }) (getOutput "dev" "plain") ]; expected = [ "d" "o" "plain" ]; };
  testGetOutputSpecified = { expr = [ (getOutput "dev" drv.bin).outputName (getOutput "dev" (extendDerivation true { } drv).bin).outputName ]; expected = [ "dev" "bin" ]; };
  testGetFirstOutput = { expr = [ (getFirstOutput [ "include" "dev" ] { dev = "d"; out = "o"; }) (getFirstOutput [ "x" ] { out = "o"; }) ]; expected = [ "d" { out = "o"; } ]; };
  testGetBinLibDevMan = {
    expr = map (f: (f drv).outputName) [ getBin getDev getLib getMan getStatic getInclude ];
    expected = [ "bin" "dev" "out" "out" "out" "dev" ];
  };
  testChooseDevOutputs = { expr = map (d: d.outputName) (chooseDevOutputs [ drv ]); expected = [ "dev" ]; };
  testRecurseIntoAttrs = { expr = [ (recurseIntoAttrs { a = 1; }) (dontRecurseIntoAttrs { a = 1; }) ]; expected = [ { a = 1; recurseForDerivations = true; } { a = 1; recurseForDerivations = false; } ]; };
  testUnionOfDisjoint = { expr = unionOfDisjoint { a = 1; } { b = 2; }; expected = { a = 1; b = 2; }; };
  testUnionOfDisjointCollision = {
    expr = let u = unionOfDisjoint { a = 1; c = 3; } { a = 2; b = 2; }; in [ u.b u.c (throws u.a) ];
    expected = [ 2 3 true ];
  };
  testListToAttrsFirstWins = { expr = listToAttrs [ (nameValuePair "a" 1) (nameValuePair "a" 2) ]; expected = { a = 1; }; };
  testIntersectAttrs = { expr = intersectAttrs { a = 0; } { a = 1; b = 2; }; expected = { a = 1; }; };
  testAttrsetsReexports = { expr = [ (attrsets.hasAttr "a" { a = 1; }) (attrsets.getAttr "a" { a = 1; }) (attrsets.isAttrs { }) (attrsets.removeAttrs { a = 1; b = 2; } [ "a" ]) ]; expected = [ true 1 true { b = 2; } ]; };
}
