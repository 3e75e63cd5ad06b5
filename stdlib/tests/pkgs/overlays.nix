# cross.md §13.G: overlays, fixed points, overrides, toolchain names (and the
# seed's gcc12 REPL session).
let
  h = import ./_helpers.nix;
  inherit (h) lib N X pkgsWith throws tri x a;
  gcc12 = self: super: { gcc = self.gcc12; };
  seedA = import h.nixpkgs {
    localSystem = "x86_64-linux";
    crossSystem = { config = "riscv64-unknown-linux-gnu"; };
    overlays = [ gcc12 ];
    config = { };
  };
  hi = f: p: { hello = p.hello.overrideAttrs { pname = "hi"; }; };
  Xwith = args: pkgsWith ({ crossSystem = lib.systems.examples.aarch64-multiplatform; } // args);
  A = final: prev: { b = final.c; c = 3; };
  B = final: prev: { c = 10; x = prev.c or 5; };
in
h.runTests {
  testComposeMany = { expr = lib.fix (lib.extends (lib.composeManyExtensions [ A B ]) (final: { a = 1; })); expected = { a = 1; b = 10; c = 10; x = 3; }; };
  testExtends = { expr = lib.fix (lib.extends (final: prev: { a = prev.a + 10; }) (final: { a = 1; b = final.a + 2; })); expected = { a = 11; b = 13; }; };
  testMakeExtensible = { expr = ((lib.makeExtensible (final: { x = 1; })).extend (final: prev: { y = final.x + 1; })).y; expected = 2; };

  testCrossCcName = { expr = X.stdenv.cc.name; expected = "aarch64-unknown-linux-gnu-stage-final-gcc-wrapper-11.3.0"; };
  testTargetPrefixes = { expr = [ X.stdenv.cc.targetPrefix X.buildPackages.stdenv.cc.targetPrefix N.stdenv.cc.targetPrefix ]; expected = [ "aarch64-unknown-linux-gnu-" "" "" ]; };
  testNativeCcName = { expr = N.stdenv.cc.name; expected = "gcc-wrapper-11.3.0"; };
  testRiscvCcName = { expr = N.pkgsCross.riscv64.stdenv.cc.name; expected = "riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-11.3.0"; };
  # The seed: a.pkgsCross.riscv64.stdenv.cc with the gcc12 overlay, and without.
  testSeedGcc12 = { expr = seedA.pkgsCross.riscv64.stdenv.cc.name; expected = "riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-12.2.0"; };
  testSeedGcc12Self = { expr = seedA.stdenv.cc.name; expected = "riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-12.2.0"; };
  testSeedDrvPrinted = {
    expr = lib.hasSuffix "-riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-12.2.0.drv" seedA.pkgsCross.riscv64.stdenv.cc.drvPath;
    expected = true;
  };
  testSeedWithout = {
    expr = lib.hasSuffix "-riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-11.3.0.drv" N.pkgsCross.riscv64.stdenv.cc.drvPath;
    expected = true;
  };
  testSeedNativeGcc12 = { expr = (pkgsWith { overlays = [ gcc12 ]; }).stdenv.cc.name; expected = "gcc-wrapper-12.2.0"; };
  testCrossCompilerIsBuildPackagesGcc = { expr = X.stdenv.cc == X.buildPackages.gcc; expected = true; };
  testCcTools = { expr = X.stdenv.cc.cc.name; expected = "aarch64-unknown-linux-gnu-stage-final-gcc-11.3.0"; };
  testBinutilsName = { expr = X.buildPackages.binutils.name; expected = "aarch64-unknown-linux-gnu-binutils-wrapper-2.40"; };
  testSuffixSalt = { expr = X.stdenv.cc.suffixSalt; expected = "aarch64_unknown_linux_gnu"; };
  testMingwDefaultsToGcc12 = { expr = N.pkgsCross.mingwW64.stdenv.cc.name; expected = "x86_64-w64-mingw32-stage-final-gcc-wrapper-12.2.0"; };

  testOverlayReachesS1 = { expr = let p = Xwith { overlays = [ hi ]; }; in [ p.hello.name p.buildPackages.hello.name ]; expected = [ "hi-aarch64-unknown-linux-gnu-2.10" "hi-2.10" ]; };
  testCrossOverlayS2Only = {
    expr = let p = Xwith { crossOverlays = [ hi ]; }; in [ p.hello.name p.buildPackages.hello.name ];
    expected = [ "hi-aarch64-unknown-linux-gnu-2.10" "hello-2.10" ];
  };
  testAppendOverlays = { expr = [ (N.appendOverlays [ (f: p: { z = 1; }) ]).z (N.extend (f: p: { z = 2; })).z ]; expected = [ 1 2 ]; };
  testAppendNothing = { expr = (N.appendOverlays [ ]).hello == N.hello; expected = true; };
  testPkgsCrossInheritsLocal = { expr = X.pkgsCross.aarch64-multiplatform.stdenv.buildPlatform.config; expected = x; };
  testPkgsCrossInheritsOverlays = { expr = (pkgsWith { overlays = [ (f: p: { marker = 1; }) ]; }).pkgsCross.riscv64.marker; expected = 1; };
  testPkgsCrossInheritsConfig = {
    expr = (pkgsWith { config.packageOverrides = p: { marker2 = 2; }; }).pkgsCross.riscv64.marker2;
    expected = 2;
  };
  testPackageOverrides = {
    expr = let p = Xwith { config.packageOverrides = p: { hello = p.zlib; }; }; in [ (pkgsWith { config.packageOverrides = p: { hello = p.zlib; }; }).hello.pname p.buildPackages.hello.pname ];
    expected = [ "zlib" "zlib" ];
  };
  testPackageOverridesNotInBootstrap = {
    expr = (pkgsWith { config.packageOverrides = p: { gcc = p.gcc12; }; }).stdenv.cc.name;
    expected = "gcc-wrapper-11.3.0";
  };
  testOverrideStdenvNoCC = { expr = (N.hello.override { stdenv = N.stdenvNoCC; }).stdenv.cc; expected = null; };
  testOverrideAttrsThenOverride = { expr = ((N.hello.overrideAttrs (o: { version = "9"; })).override { }).version; expected = "9"; };
  testFinalAttrs = { expr = (N.hello.overrideAttrs (final: prev: { x = final.version; })).x; expected = "2.10"; };
  testFinalAttrsSeesOverride = {
    expr = ((N.hello.overrideAttrs (final: prev: { x = final.version; })).overrideAttrs { version = "3"; }).x;
    expected = "3";
  };
  testOverrideAttrsSet = { expr = (N.hello.overrideAttrs { pname = "hey"; }).name; expected = "hey-2.10"; };
  testFinalPackage = {
    expr = let p = N.callPackage ({ stdenv }: stdenv.mkDerivation (fa: { pname = "fp"; version = "1"; passthru.self = fa.finalPackage; })) { }; in p.self.name;
    expected = "fp-1";
  };
  testOverlayShallow = { expr = (N.extend (f: p: { demoScope = { only = 1; }; })).demoScope; expected = { only = 1; }; };
  testStdenvOverrides = {
    expr = (pkgsWith { config.replaceStdenv = { pkgs }: pkgs.stdenv.override { overrides = f: p: { fromStdenv = 1; }; }; }).fromStdenv;
    expected = 1;
  };
}
