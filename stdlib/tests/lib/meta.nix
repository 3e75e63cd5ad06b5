let
  h = import ./_helpers.nix;
  inherit (h) lib throws mkDrv;
  x86 = lib.systems.elaborate "x86_64-linux";
  drv = lib.extendDerivation true { meta.mainProgram = "prog"; } (mkDrv { name = "tool-1.0"; outputs = [ "out" "bin" ]; });
  noMain = mkDrv { name = "hello-2.12"; };
in
with lib;
h.runTests {
  testAddMetaAttrs = { expr = (addMetaAttrs { description = "x"; } { meta.license = "mit"; }).meta; expected = { description = "x"; license = "mit"; }; };
  testAddMetaAttrsNoMeta = { expr = (addMetaAttrs { a = 1; } { }).meta; expected = { a = 1; }; };
  testDontDistribute = { expr = (dontDistribute { }).meta; expected = { hydraPlatforms = [ ]; }; };
  testSetName = { expr = (setName "foo-1.0" { name = "bar"; }).name; expected = "foo-1.0"; };
  testUpdateName = { expr = (updateName (n: n + "-x") { name = "foo"; }).name; expected = "foo-x"; };
  testAppendToName = { expr = (appendToName "static" { name = "zlib-1.3"; }).name; expected = "zlib-static-1.3"; };
  testMapDerivationAttrset = { expr = mapDerivationAttrset (d: d // { tagged = true; }) { a = { type = "derivation"; }; b = 1; }; expected = { a = { type = "derivation"; tagged = true; }; b = 1; }; };
  testSetPrio = { expr = (setPrio 3 { }).meta.priority; expected = 3; };
  testLowPrio = { expr = (lowPrio { }).meta; expected = { priority = 10; }; };
  testHiPrio = { expr = (hiPrio { meta.x = 1; }).meta; expected = { priority = -10; x = 1; }; };
  testLowPrioSet = { expr = (lowPrioSet { a = { type = "derivation"; }; b = 1; }).a.meta.priority; expected = 10; };
  testHiPrioSet = { expr = (hiPrioSet { a = { type = "derivation"; }; b = 1; }).b; expected = 1; };
  testPlatformMatch = {
    expr = map (platformMatch x86) [ "x86_64-linux" "aarch64-linux" { kernel.name = "linux"; } { parsed.kernel.name = "darwin"; } lib.systems.inspect.patterns.isx86_64 ];
    expected = [ true false true false true ];
  };
  testAvailableOn = {
    expr = [
      (availableOn x86 { meta.platforms = [ "aarch64-linux" ]; })
      (availableOn x86 { meta.platforms = lib.platforms.linux; })
      (availableOn x86 { })
      (availableOn x86 { meta.badPlatforms = [ "x86_64-linux" ]; })
      (availableOn x86 { meta.platforms = lib.platforms.linux; meta.badPlatforms = lib.platforms.darwin; })
    ];
    expected = [ false true true false true ];
  };
  testGetExe = { expr = getExe drv == "${drv.bin}/bin/prog"; expected = true; };
  testGetExeGuess = { expr = getExe noMain == "${noMain}/bin/hello"; expected = true; };
  testGetExePrime = { expr = getExe' drv "other" == "${drv.bin}/bin/other"; expected = true; };
  testGetExePrimeErrors = { expr = [ (throws (getExe' { } "x")) (throws (getExe' drv "a/b")) (throws (getExe' drv 1)) ]; expected = [ true true true ]; };
}
