# cross.md §13.C: arguments of the entry point.
let
  h = import ./_helpers.nix;
  inherit (h) lib nixpkgs pkgsWith throws x;
  native = p: p.stdenv.hostPlatform == p.stdenv.buildPlatform;
in
h.runTests {
  testLegacySystem = {
    expr = (import nixpkgs { system = "aarch64-linux"; config = { }; overlays = [ ]; }).stdenv.hostPlatform.config;
    expected = "aarch64-unknown-linux-gnu";
  };
  testSystemAndLocalSystem = {
    expr = throws (import nixpkgs { system = "x86_64-linux"; localSystem = "x86_64-linux"; }).stdenv;
    expected = true;
  };
  testImpureDefault = {
    expr = (import nixpkgs { config = { }; overlays = [ ]; }).stdenv.buildPlatform.system;
    expected = builtins.currentSystem;
  };
  testCrossNull = {
    expr = native (pkgsWith { crossSystem = null; });
    expected = true;
  };
  testCrossEqualCollapses = {
    expr = native (pkgsWith { crossSystem = { config = "x86_64-unknown-linux-gnu"; }; });
    expected = true;
  };
  testCrossEqualAttrs = {
    expr = native (pkgsWith { localSystem = { system = "x86_64-linux"; }; crossSystem = { config = x; }; });
    expected = true;
  };
  testOverlaysNotList = {
    expr = throws (pkgsWith { overlays = (self: super: { }); }).hello;
    expected = true;
  };
  testOverlaysNotFunctions = {
    expr = throws (pkgsWith { overlays = [ 1 ]; }).hello;
    expected = true;
  };
  testCrossOverlaysNotFunctions = {
    expr = throws (pkgsWith { crossOverlays = [ "x" ]; }).hello;
    expected = true;
  };
  testCrossOverlaysForceCrossChain = {
    expr = (pkgsWith { crossOverlays = [ (f: p: { }) ]; }).__splicedPackages.hello ? __spliced;
    expected = true;
  };
  testCrossOverlaysStillNative = {
    expr = native (pkgsWith { crossOverlays = [ (f: p: { }) ]; });
    expected = true;
  };
  testUnknownArgument = {
    expr = throws (import nixpkgs { localSystem = "x86_64-linux"; platform = { }; }).hello;
    expected = true;
  };
  testStringLocalSystem = {
    expr = (pkgsWith { localSystem = "riscv64-linux"; }).hello.system;
    expected = "riscv64-linux";
  };
  testEmulatedNative = {
    expr = let p = pkgsWith { localSystem = "riscv64-linux"; }; in [ (native p) p.hello.name ];
    expected = [ true "hello-2.10" ];
  };
  testConfigFunction = {
    expr = (pkgsWith { config = { pkgs }: { allowUnsupportedSystem = pkgs ? hello; }; }).config.allowUnsupportedSystem;
    expected = true;
  };
  testConfigDefaults = {
    expr = with (pkgsWith { }).config; [ allowAliases allowUnfree strictDepsByDefault doCheckByDefault allowUnsupportedSystem ];
    expected = [ true false false false false ];
  };
  testStrictDepsByDefault = {
    expr = (pkgsWith { config.strictDepsByDefault = true; }).hello.strictDeps;
    expected = true;
  };
  testReplaceStdenv = {
    expr = (pkgsWith { config.replaceStdenv = { pkgs }: pkgs.stdenv.override { name = "my-stdenv"; }; }).stdenv.name;
    expected = "my-stdenv";
  };
  testReplaceCrossStdenv = {
    expr = (pkgsWith {
      crossSystem = lib.systems.examples.riscv64;
      config.replaceCrossStdenv = { buildPackages, baseStdenv }: baseStdenv.override { name = "my-cross-stdenv"; };
    }).stdenv.name;
    expected = "my-cross-stdenv";
  };
}
