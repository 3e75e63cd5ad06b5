let
  h = import ./_helpers.nix;
  inherit (h) lib throws mkDrv;

  # A tiny stand-in for mkDerivation: returns a derivation-like set with a
  # working `overrideAttrs` (prev: attrs or final: prev: attrs).
  fakeMkDerivation =
    attrs:
    let
      fixed = lib.fix (self: attrs);
      build = a: {
        type = "derivation";
        name = "${a.pname}-${a.version}";
        inherit (a) pname version;
        outPath = "/fake/${a.pname}-${a.version}";
        overrideAttrs =
          g:
          let
            delta = final: prev: let r = g prev; in if builtins.isFunction r then g final prev else r;
            next = lib.fix (final: a // delta final a);
          in
          build next;
      };
    in
    build fixed;

  pkgFn = { name ? "hello", version ? "1.0" }: fakeMkDerivation { pname = name; inherit version; };
  pkg = lib.makeOverridable pkgFn { };
in
with lib;
h.runTests {
  testMakeOverridable = { expr = ((makeOverridable ({ a, b }: { sum = a + b; }) { a = 1; b = 2; }).override { b = 10; }).sum; expected = 11; };
  testMakeOverridableFn = { expr = ((makeOverridable ({ a, b }: { sum = a + b; }) { a = 1; b = 2; }).override (old: { b = old.b * 5; })).sum; expected = 11; };
  testMakeOverridableChain = {
    expr = (((makeOverridable ({ a, b }: { sum = a + b; }) { a = 1; b = 2; }).override { b = 10; }).override { a = 100; }).sum;
    expected = 110;
  };
  testMakeOverridableKeepsArgs = { expr = functionArgs (makeOverridable ({ a, b ? 1 }: { })); expected = { a = false; b = true; }; };
  testMakeOverridableOverrideKeepsArgs = { expr = functionArgs (makeOverridable ({ a, b ? 1 }: { }) { a = 1; }).override; expected = { a = false; b = true; }; };
  testMakeOverridableFunctionResult = {
    expr = let r = makeOverridable ({ a }: { x }: a + x) { a = 1; }; in [ (r { x = 2; }) ((r.override { a = 10; }) { x = 2; }) (functionArgs r) ];
    expected = [ 3 12 { x = false; } ];
  };
  testMakeOverridableScalar = { expr = makeOverridable ({ a }: a + 1) { a = 1; }; expected = 2; };
  testOverrideAttrsPresent = { expr = [ (pkg ? overrideAttrs) ((makeOverridable (_: { }) { }) ? overrideAttrs) ]; expected = [ true false ]; };
  testOverrideAttrs = { expr = (pkg.overrideAttrs (old: { version = "2.0"; })).name; expected = "hello-2.0"; };
  testOverrideAttrsThenOverride = {
    # cross.md 13.G: ((hello.overrideAttrs (o: { version = "9"; })).override {}).version == "9"
    expr = ((pkg.overrideAttrs (o: { version = "9"; })).override { }).version;
    expected = "9";
  };
  testOverrideThenOverrideAttrs = { expr = ((pkg.override { name = "hi"; }).overrideAttrs (o: { version = "3"; })).name; expected = "hi-3"; };
  testOverrideAttrsKeptAcrossOverride = { expr = ((pkg.overrideAttrs (o: { version = "9"; })).override { name = "hi"; }).name; expected = "hi-9"; };
  testOverrideDerivation = {
    expr = let d = makeOverridable ({ n }: mkDrv { name = n; }) { n = "a"; }; o = d.overrideDerivation (old: { name = "b"; }); in [ o.name (isDerivation o) (o.override { n = "c"; }).name ];
    expected = [ "b" true "b" ];
  };
  testOverrideDerivationPlain = {
    expr = let o = overrideDerivation (extendDerivation true { foo = 1; } (mkDrv { name = "x"; })) (old: { name = "y"; }); in [ o.name (o ? foo) o.meta ];
    expected = [ "y" false { } ];
  };
  testOverrideDerivationSpliced = {
    expr = let d = mkDrv { name = "x"; } // { __spliced = { buildHost = mkDrv { name = "b"; }; }; }; o = overrideDerivation d (old: { name = old.name + "2"; }); in [ o.name o.__spliced.buildHost.name ];
    expected = [ "x2" "b2" ];
  };
  testCallPackageWith = { expr = callPackageWith { a = 1; b = 2; } ({ a, c ? 3 }: a + c) { }; expected = 4; };
  testCallPackageWithExplicitWins = { expr = callPackageWith { a = 1; } ({ a }: a) { a = 5; }; expected = 5; };
  testCallPackageWithDefaultsNotTakenFromArgsUnlessPresent = { expr = callPackageWith { c = 9; } ({ c ? 3 }: c) { }; expected = 9; };
  testCallPackageWithOverridable = { expr = ((callPackageWith { a = 1; } ({ a, b ? 2 }: { s = a + b; }) { }).override { b = 7; }).s; expected = 8; };
  testCallPackageWithPath = { expr = (callPackageWith { a = 2; } ./fixtures/pkg.nix { }).doubled; expected = 4; };
  testCallPackageWithMissing = { expr = throws (callPackageWith { zlib = 1; } ({ zlibb }: zlibb) { }); expected = true; };
  testCallPackageWithMissingMessage = {
    expr =
      let
        r = builtins.tryEval (callPackageWith { zlib = 1; zlip = 2; foo = 3; } ({ zlibb, foo }: zlibb) { });
      in
      r.success;
    expected = false;
  };
  testCallPackageWithFunctor = { expr = callPackageWith { a = 1; b = 2; } (setFunctionArgs (args: args.a + args.b) { a = false; b = false; }) { }; expected = 3; };
  testCallPackagesWith = {
    expr = let s = callPackagesWith { a = 1; } ({ a }: { x = { v = a; }; y = { v = a + 1; }; }) { }; in [ s.x.v s.y.v (s.y.override { a = 10; }).v ];
    expected = [ 1 2 11 ];
  };
  testCallPackagesWithSingleDrv = { expr = throws (callPackagesWith { } ({ }: mkDrv { }) { }); expected = true; };
  testExtendDerivation = {
    expr = let d = mkDrv { outputs = [ "out" "dev" ]; }; e = extendDerivation true { foo = 1; } d; in [ e.foo e.dev.foo e.dev.outputSpecified (e.outPath == d.outPath) (e.dev.outPath == d.dev.outPath) (map (x: x.outputName) e.all) ];
    expected = [ 1 1 true true true [ "out" "dev" ] ];
  };
  testExtendDerivationCondition = {
    expr = let e = extendDerivation false { foo = 1; } (mkDrv { }); in [ e.foo (throws e.outPath) (throws e.drvPath) ];
    expected = [ 1 true true ];
  };
  testMakeScope = { expr = (makeScope (extra: callPackageWith extra) (self: { a = 1; b = self.callPackage ({ a }: a + 1) { }; })).b; expected = 2; };
  testMakeScopeOverride = {
    expr = ((makeScope (extra: callPackageWith extra) (self: { a = 1; b = self.callPackage ({ a }: a + 1) { }; })).overrideScope (f: p: { a = 5; })).b;
    expected = 6;
  };
  testMakeScopeNewScope = {
    expr = let s = makeScope (extra: callPackageWith extra) (self: { a = 1; }); in (s.newScope { z = 3; }) ({ a, z }: a + z) { };
    expected = 4;
  };
  testMakeScopePackages = { expr = (makeScope (extra: callPackageWith extra) (self: { a = 1; })).packages { } ; expected = { a = 1; }; };
}
