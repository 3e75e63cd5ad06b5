# cross.md §13.I: laziness and error containment (the runner also times
# these).
let
  h = import ./_helpers.nix;
  inherit (h) lib N X evaluates;
in
h.runTests {
  testPkgsCrossNames = { expr = builtins.length (builtins.attrNames N.pkgsCross) == builtins.length (builtins.attrNames lib.systems.examples); expected = true; };
  testSplicedNames = { expr = builtins.elem "hello" (builtins.attrNames X.__splicedPackages); expected = true; };
  testGhcjs = { expr = N.pkgsCross.ghcjs.stdenv.hostPlatform.config; expected = "javascript-unknown-ghcjs"; };
  testGhcjsHello = { expr = N.pkgsCross.ghcjs.hello.name; expected = "hello-2.10"; };
  testGhcjsCcThrows = { expr = evaluates N.pkgsCross.ghcjs.stdenv.cc; expected = false; };
  testNoRecursion = { expr = X.buildPackages.targetPackages.buildPackages.targetPackages.hello.name; expected = "hello-aarch64-unknown-linux-gnu-2.10"; };
  testBootstrapToleratesGcc12 = { expr = (N.extend (self: super: { gcc = self.gcc12; })).stdenv.__bootPackages.gcc.name; expected = "gcc-wrapper-12.2.0"; };
  testFailingPackageDoesNotBreakSet = {
    expr = (N.extend (f: p: { broken = throw "broken"; })).hello.name;
    expected = "hello-2.10";
  };
}
