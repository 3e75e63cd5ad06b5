# cross.md §13.B (rows needing package sets), §5: pkgsCross, pkgsMusl,
# pkgsi686Linux, pkgsStatic, emulators.
let
  h = import ./_helpers.nix;
  inherit (h) lib N X pkgsWith throws tri x a;
  same = p: p.stdenv.hostPlatform == p.stdenv.buildPlatform;
in
h.runTests {
  testNativeSame = { expr = same N; expected = true; };
  testCrossDiffers = { expr = same X; expected = false; };
  testGnu64Collapses = { expr = same N.pkgsCross.gnu64; expected = true; };
  testMusl64Cross = { expr = same N.pkgsCross.musl64; expected = false; };
  testEveryExample = { expr = builtins.attrNames N.pkgsCross; expected = builtins.attrNames lib.systems.examples; };
  testExampleHosts = {
    expr = map (n: N.pkgsCross.${n}.stdenv.hostPlatform.config) [ "aarch64-multiplatform" "riscv64" "armv7l-hf-multiplatform" "raspberryPi" "powernv" "s390x" "mingwW64" "musl64" "gnu32" ];
    expected = [ a "riscv64-unknown-linux-gnu" "armv7l-unknown-linux-gnueabihf" "armv6l-unknown-linux-gnueabihf" "powerpc64le-unknown-linux-gnu" "s390x-unknown-linux-gnu" "x86_64-w64-mingw32" "x86_64-unknown-linux-musl" "i686-unknown-linux-gnu" ];
  };
  testPkgsCrossOfCrossIsRelativeToLocal = { expr = tri X.pkgsCross.riscv64.stdenv; expected = [ x "riscv64-unknown-linux-gnu" "riscv64-unknown-linux-gnu" ]; };

  testMuslNative = { expr = [ N.pkgsMusl.stdenv.hostPlatform.config (same N.pkgsMusl) N.pkgsMusl.hello.name ]; expected = [ "x86_64-unknown-linux-musl" true "hello-2.10" ]; };
  testMuslCross = { expr = tri X.pkgsMusl.stdenv; expected = [ x "aarch64-unknown-linux-musl" "aarch64-unknown-linux-musl" ]; };
  testMuslArmhf = { expr = N.pkgsCross.armv7l-hf-multiplatform.pkgsMusl.stdenv.hostPlatform.config; expected = "armv7l-unknown-linux-musleabihf"; };
  testMuslSelf = { expr = N.pkgsMusl.pkgsMusl.stdenv.hostPlatform.config; expected = "x86_64-unknown-linux-musl"; };
  testMuslNotOnWindows = { expr = throws N.pkgsCross.mingwW64.pkgsMusl.stdenv; expected = true; };
  testI686 = { expr = [ N.pkgsi686Linux.stdenv.hostPlatform.config (same N.pkgsi686Linux) N.pkgsi686Linux.hello.system ]; expected = [ "i686-unknown-linux-gnu" true "i686-linux" ]; };
  testI686NotOnArm = { expr = throws X.pkgsi686Linux.stdenv; expected = true; };
  testStatic = {
    expr = [ N.pkgsStatic.stdenv.hostPlatform.config N.pkgsStatic.stdenv.hostPlatform.isStatic (same N.pkgsStatic) N.pkgsStatic.stdenv.cc.targetPrefix ];
    expected = [ "x86_64-unknown-linux-musl" true false "x86_64-unknown-linux-musl-" ];
  };
  testStaticFlags = { expr = builtins.elem "--disable-shared" N.pkgsStatic.hello.configureFlags; expected = true; };
  testStaticCross = { expr = X.pkgsStatic.stdenv.hostPlatform.config; expected = "aarch64-unknown-linux-musl"; };
  testVariantsKeepOverlays = { expr = (pkgsWith { overlays = [ (f: p: { marker = 3; }) ]; }).pkgsStatic.marker; expected = 3; };

  testEmulatorQemu = { expr = lib.hasSuffix "/bin/qemu-aarch64" (X.stdenv.hostPlatform.emulator X.buildPackages); expected = true; };
  testEmulatorQemuPackage = {
    expr = lib.hasInfix "-qemu-user-" (X.stdenv.hostPlatform.emulator X.buildPackages);
    expected = true;
  };
  testEmulatorNative = { expr = N.stdenv.hostPlatform.emulatorAvailable N; expected = true; };
  testEmulatorNativeExec = { expr = lib.hasSuffix "/bin/exec" (N.stdenv.hostPlatform.emulator N); expected = true; };
  testEmulatorNone = {
    expr = let p = lib.systems.elaborate lib.systems.examples.arm-embedded; in [ (p.emulatorAvailable N) (throws (p.emulator N)) ];
    expected = [ false true ];
  };
  testEmulatorWine = { expr = lib.hasSuffix "/bin/wine" (N.pkgsCross.mingwW64.stdenv.hostPlatform.emulator N); expected = true; };
  testHostinfoUsesEmulator = {
    expr = [ (lib.hasSuffix "/bin/qemu-aarch64" X.hostinfo.emulator) N.hostinfo.emulator ];
    expected = [ true "" ];
  };
}
