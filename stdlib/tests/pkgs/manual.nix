# The seeds' manual chapter on cross compilation, as written: the cookbook
# (prefixed tools, depsBuildBuild compiler, doCheck), mesonEmulatorHook,
# --arg crossSystem with an example, and a bare config triple.
let
  h = import ./_helpers.nix;
  inherit (h) lib N X pkgsWith throws tri x a;
  mesonPackage =
    { lib, stdenv, meson, mesonEmulatorHook }:
    stdenv.mkDerivation {
      pname = "meson-pkg";
      version = "1";
      nativeBuildInputs = [ meson ] ++ lib.optionals (!stdenv.buildPlatform.canExecute stdenv.hostPlatform) [ mesonEmulatorHook ];
    };
in
h.runTests {
  testCookbookTargetPrefix = {
    expr = (X.callPackage ({ stdenv }: stdenv.mkDerivation { pname = "p"; version = "1"; makeFlags = [ "CC=${stdenv.cc.targetPrefix}cc" ]; }) { }).makeFlags;
    expected = [ "CC=aarch64-unknown-linux-gnu-cc" ];
  };
  testMesonNative = { expr = map (d: d.pname) (N.callPackage mesonPackage { }).nativeBuildInputs; expected = [ "meson" ]; };
  testMesonCross = { expr = map (d: d.name) (X.callPackage mesonPackage { }).nativeBuildInputs; expected = [ "meson-1.0.1" "meson-emulator-hook" ]; };
  testMesonCrossHostOfHook = { expr = tri (builtins.elemAt (X.callPackage mesonPackage { }).nativeBuildInputs 1).stdenv; expected = [ x x a ]; };
  testMesonHookRefusedNatively = { expr = throws N.mesonEmulatorHook; expected = true; };
  testMesonDrv = { expr = builtins.isString (X.callPackage mesonPackage { }).drvPath; expected = true; };
  testArgCrossSystemExample = {
    expr = (import h.nixpkgs { localSystem = "x86_64-linux"; crossSystem = (import (h.nixpkgs + "/lib")).systems.examples.raspberryPi; config = { }; overlays = [ ]; }).hello.name;
    expected = "hello-armv6l-unknown-linux-gnueabihf-2.10";
  };
  testArgCrossSystemConfig = {
    expr = (pkgsWith { crossSystem = { config = "aarch64-unknown-linux-gnu"; }; }).hello.name;
    expected = "hello-aarch64-unknown-linux-gnu-2.10";
  };
  testPkgsXYAliases = { expr = [ (X.pkgsBuildHost.gcc == X.buildPackages.gcc) (X.pkgsHostTarget.hello == X.hello) ]; expected = [ true true ]; };
}
