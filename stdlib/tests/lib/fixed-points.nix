let
  h = import ./_helpers.nix;
  inherit (h) lib throws;
in
with lib;
h.runTests {
  testFix = { expr = fix (self: { a = 1; b = self.a + 1; }); expected = { a = 1; b = 2; }; };
  testFixList = { expr = builtins.elemAt (fix (self: [ 1 (builtins.head self + 1) ])) 1; expected = 2; };
  testFixPrime = {
    expr = let r = fix' (self: { a = 1; b = self.a + 1; }); in [ r.b (r.__unfix__ { a = 10; }).b ];
    expected = [ 2 11 ];
  };
  testConverge = { expr = converge (x: if x > 10 then x else x * 2) 1; expected = 16; };
  testConvergeFixed = { expr = converge (x: x) 5; expected = 5; };
  # cross.md 13.G
  testExtends = {
    expr = fix (extends (final: prev: { a = prev.a + 10; }) (final: { a = 1; b = final.a + 2; }));
    expected = { a = 11; b = 13; };
  };
  testComposeExtensions = {
    expr = fix (extends (composeExtensions (f: p: { a = 1; }) (f: p: { b = p.a + 1; })) (f: { }));
    expected = { a = 1; b = 2; };
  };
  testComposeExtensionsOrder = {
    expr = fix (extends (composeExtensions (f: p: { x = "f"; y = p.x or "none"; }) (f: p: { x = p.x + "g"; })) (f: { }));
    expected = { x = "fg"; y = "none"; };
  };
  # cross.md 5.3 / 13.G
  testComposeManyExtensions = {
    expr = fix (
      extends (composeManyExtensions [
        (final: prev: { b = final.c; c = 3; })
        (final: prev: { c = 10; x = prev.c or 5; })
      ]) (final: { a = 1; })
    );
    expected = { a = 1; b = 10; c = 10; x = 3; };
  };
  testComposeManyExtensionsEmpty = { expr = fix (extends (composeManyExtensions [ ]) (f: { a = 1; })); expected = { a = 1; }; };
  testMakeExtensible = {
    expr = ((makeExtensible (final: { x = 1; })).extend (final: prev: { y = final.x + 1; })).y;
    expected = 2;
  };
  testMakeExtensibleOverridesSeenByOthers = {
    expr = let e = makeExtensible (final: { x = 1; y = final.x * 10; }); in [ e.y ((e.extend (f: p: { x = 2; })).y) ];
    expected = [ 10 20 ];
  };
  testMakeExtensibleChained = {
    expr = (((makeExtensible (f: { x = 1; })).extend (f: p: { x = p.x + 1; })).extend (f: p: { x = p.x * 3; })).x;
    expected = 6;
  };
  testMakeExtensibleWithCustomName = {
    expr = let e = makeExtensibleWithCustomName "ext" (final: { x = 1; }); in [ (e ? extend) ((e.ext (final: prev: { x = 2; })).x) ];
    expected = [ false 2 ];
  };
  testToExtensionAttrs = { expr = fix (extends (toExtension { a = 2; }) (final: { a = 1; })); expected = { a = 2; }; };
  testToExtensionPrev = { expr = fix (extends (toExtension (prev: { a = prev.a + 1; })) (final: { a = 1; })); expected = { a = 2; }; };
  testToExtensionFull = {
    expr = fix (extends (toExtension (final: prev: { a = prev.a + 1; b = final.a; })) (final: { a = 1; }));
    expected = { a = 2; b = 2; };
  };
  testLibIsExtensible = { expr = ((import ../../lib).extend (final: prev: { myId = final.id; })).myId 7; expected = 7; };
}
