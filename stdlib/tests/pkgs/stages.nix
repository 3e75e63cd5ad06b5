# cross.md §13.D: the stage graph (cross L = x86_64-linux, C = aarch64).
let
  h = import ./_helpers.nix;
  inherit (h) N X tri x a;
  xxx = [ x x x ];
  xxa = [ x x a ];
  xaa = [ x a a ];
in
h.runTests {
  testTop = { expr = map tri [ X.stdenv X.pkgs.stdenv X.pkgsHostTarget.stdenv X.pkgsHostHost.stdenv ]; expected = [ xaa xaa xaa xaa ]; };
  testBuildHost = { expr = map tri [ X.buildPackages.stdenv X.pkgsBuildHost.stdenv X.pkgsBuildTarget.stdenv ]; expected = [ xxa xxa xxa ]; };
  testBuildBuild = {
    expr = map tri [ X.pkgsBuildBuild.stdenv X.buildPackages.buildPackages.stdenv X.buildPackages.buildPackages.buildPackages.stdenv ];
    expected = [ xxx xxx xxx ];
  };
  testS1TargetPackages = { expr = map tri [ X.buildPackages.targetPackages.stdenv X.buildPackages.pkgsTargetTarget.stdenv ]; expected = [ xaa xaa ]; };
  testS1HostHost = { expr = tri X.buildPackages.pkgsHostHost.stdenv; expected = xxx; };
  testS1BuildTarget = { expr = tri X.buildPackages.pkgsBuildTarget.stdenv; expected = xxa; };
  testS1HostTarget = { expr = tri X.buildPackages.pkgsHostTarget.stdenv; expected = xxa; };
  testS1BuildBuild = { expr = tri X.buildPackages.pkgsBuildBuild.stdenv; expected = xxx; };
  testS0AllSelf = {
    expr = map (n: tri X.pkgsBuildBuild.${n}.stdenv) [ "pkgsBuildBuild" "pkgsBuildHost" "pkgsBuildTarget" "pkgsHostHost" "pkgsHostTarget" "pkgsTargetTarget" ];
    expected = [ xxx xxx xxx xxx xxx xxx ];
  };
  testStub = { expr = builtins.attrNames X.targetPackages; expected = [ "__raw" "recurseForDerivations" "stdenv" ]; };
  testStubHasNoHello = { expr = X.targetPackages ? hello; expected = false; };
  testStubCc = { expr = X.targetPackages.stdenv.cc.name; expected = "gcc-wrapper-11.3.0"; };
  testStubCcCc = { expr = X.targetPackages.stdenv.cc.cc.name; expected = "gcc-aarch64-unknown-linux-gnu-11.3.0"; };
  testNativeSaturated = {
    expr = map (n: tri N.${n}.stdenv) [ "pkgsBuildBuild" "pkgsBuildHost" "pkgsBuildTarget" "pkgsHostHost" "pkgsHostTarget" "pkgsTargetTarget" "buildPackages" "pkgs" "targetPackages" ];
    expected = [ xxx xxx xxx xxx xxx xxx xxx xxx xxx ];
  };
  testNativeSameHello = { expr = [ (N.buildPackages.hello == N.hello) (N.targetPackages.hello == N.hello) (N.buildPackages.buildPackages.hello == N.hello) ]; expected = [ true true true ]; };
  testBootPackages = {
    expr = [ (tri X.stdenv.__bootPackages.stdenv) (tri X.stdenv.__bootPackages.stdenv.__bootPackages.stdenv) ];
    expected = [ xxa xxx ];
  };
  testHatPackages = { expr = tri X.buildPackages.stdenv.__hatPackages.stdenv; expected = xaa; };
  testConfigs = {
    expr = [ X.stdenv.hostPlatform.config X.buildPackages.stdenv.hostPlatform.config X.pkgsBuildTarget.stdenv.targetPlatform.config ];
    expected = [ a x a ];
  };
  testPathsBackToS2 = { expr = tri X.buildPackages.targetPackages.buildPackages.targetPackages.stdenv; expected = xaa; };
  testStdenvNames = {
    expr = [ N.stdenv.name X.buildPackages.stdenv.name N.stdenv.__bootPackages.stdenv.name N.stdenv.__bootPackages.stdenv.__bootPackages.stdenv.name ];
    expected = [ "stdenv-linux" "stdenv-linux" "bootstrap-stage2-stdenv-linux" "bootstrap-stage1-stdenv-linux" ];
  };
  testNativeChainRaw = { expr = N.stdenv.__bootPackages.stdenv.__bootPackages.stdenv.__bootPackages.__raw; expected = true; };
  testStdenvSystem = { expr = [ X.hello.system X.stdenv.system X.stdenv.drvAttrs.system ]; expected = [ "x86_64-linux" "aarch64-linux" "x86_64-linux" ]; };
  testStdenvIsDerivation = { expr = [ X.stdenv.type (builtins.isString X.stdenv.outPath) ]; expected = [ "derivation" true ]; };
  testStdenvFlags = { expr = [ X.stdenv.isAarch64 X.stdenv.isx86_64 X.buildPackages.stdenv.isx86_64 X.stdenv.isLinux ]; expected = [ true false true true ]; };
  testStdenvOverrideTarget = {
    expr = tri (N.stdenv.override { targetPlatform = X.stdenv.hostPlatform; });
    expected = xxa;
  };
  testStdenvOverrideFunction = {
    expr = (N.stdenv.override (old: { name = old.name + "-2"; })).name;
    expected = "stdenv-linux-2";
  };
  testStdenvNoCC = { expr = [ N.stdenvNoCC.cc N.stdenvNoCC.hasCC (tri X.stdenvNoCC) ]; expected = [ null false xaa ]; };
}
