# cross.md §13.E: splicing.
let
  h = import ./_helpers.nix;
  inherit (h) lib N X pkgsWith throws tri x a;
  Xfoo = pkgsWith {
    crossSystem = lib.systems.examples.aarch64-multiplatform;
    overlays = [ (f: p: { foo = if f.stdenv.hostPlatform.isAarch64 then p.hello else throw "no"; }) ];
  };
  S = X.__splicedPackages;
in
h.runTests {
  testNativeNotSpliced = { expr = N.__splicedPackages.hello ? __spliced; expected = false; };
  testNativeSplicedIsStage = { expr = N.__splicedPackages.hello == N.hello; expected = true; };
  testKeysS2 = { expr = builtins.attrNames S.hello.__spliced; expected = [ "buildBuild" "buildHost" "buildTarget" "hostHost" "hostTarget" ]; };
  testKeysS1 = {
    expr = builtins.attrNames X.buildPackages.__splicedPackages.hello.__spliced;
    expected = [ "buildBuild" "buildHost" "buildTarget" "hostHost" "hostTarget" "targetTarget" ];
  };
  testBuildHostVariant = { expr = S.hello.__spliced.buildHost.stdenv.hostPlatform.config; expected = x; };
  testVariants = {
    expr = lib.mapAttrs (_: v: tri v.stdenv) S.zlib.__spliced;
    expected = {
      buildBuild = [ x x x ];
      buildHost = [ x x a ];
      buildTarget = [ x x a ];
      hostHost = [ x a a ];
      hostTarget = [ x a a ];
    };
  };
  testHostTargetIsTop = { expr = S.hello.__spliced.hostTarget == X.hello; expected = true; };
  testDefaultName = { expr = S.hello.name; expected = "hello-aarch64-unknown-linux-gnu-2.10"; };
  testOutputsSpliced = { expr = S.libgreet.dev.__spliced.buildHost == X.buildPackages.libgreet.dev; expected = true; };
  testOutputHostTarget = { expr = S.libgreet.dev.__spliced.hostTarget == X.libgreet.dev; expected = true; };
  testSetsNotSpliced = { expr = [ (S.buildPackages ? __spliced) (S.pkgsBuildBuild ? __spliced) (S.targetPackages ? __spliced) ]; expected = [ false false false ]; };
  testSetsUnspliced = { expr = [ (tri S.buildPackages.stdenv) (S.buildPackages.hello ? __spliced) ]; expected = [ [ x x a ] false ]; };
  testPlatformsUnspliced = { expr = S.hostPlatform == X.stdenv.hostPlatform; expected = true; };
  testLibRecursive = { expr = S.lib.id 1; expected = 1; };
  testThrowingVariantOutputs = { expr = Xfoo.__splicedPackages.foo.out.name; expected = "hello-aarch64-unknown-linux-gnu-2.10"; };
  testThrowingVariantKey = { expr = Xfoo.__splicedPackages.foo.__spliced ? buildHost; expected = true; };
  testThrowingVariantForced = { expr = throws Xfoo.__splicedPackages.foo.__spliced.buildHost; expected = true; };
  testTopNotSpliced = { expr = X.hello ? __spliced; expected = false; };
  testCallPackageGetsSpliced = {
    expr = X.callPackage ({ zlib, hello }: [ (zlib ? __spliced) (hello ? __spliced) ]) { };
    expected = [ true true ];
  };
  testExplicitArgsNotSpliced = { expr = X.callPackage ({ zlib }: zlib ? __spliced) { zlib = X.zlib; }; expected = false; };
  testNativeCallPackagePlain = { expr = N.callPackage ({ zlib }: zlib ? __spliced) { }; expected = false; };
  testStdenvSpliced = { expr = X.callPackage ({ stdenv }: tri stdenv.__spliced.buildHost) { }; expected = [ x x a ]; };
  testSplicePackagesNativeIdentity = {
    expr = (N.splicePackages { inherit (N) pkgsBuildBuild pkgsBuildHost pkgsBuildTarget pkgsHostHost pkgsHostTarget pkgsTargetTarget; }) ? __splicedPackages;
    expected = true;
  };
  # Nested scopes (makeScopeWithSplicing'): the scope's own packages are spliced too.
  testScopeNative = { expr = tri (builtins.head N.demoScope.innerUser.nativeBuildInputs).stdenv; expected = [ x x x ]; };
  testScopeNativeBuild = { expr = tri (builtins.head X.demoScope.innerUser.nativeBuildInputs).stdenv; expected = [ x x a ]; };
  testScopeHost = { expr = tri (builtins.head X.demoScope.innerUser.buildInputs).stdenv; expected = [ x a a ]; };
  testScopeOuterSpliced = { expr = tri (builtins.head X.demoScope.inner.buildInputs).stdenv; expected = [ x a a ]; };
  testScopeOverride = {
    expr = (X.demoScope.overrideScope (f: p: { inner = p.inner.overrideAttrs { pname = "inner2"; }; })).innerUser.buildInputs;
    expected = [ (X.demoScope.inner.overrideAttrs { pname = "inner2"; }) ];
  };
}
