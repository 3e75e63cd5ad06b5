# A fixed point with overlays over 20,000 attributes, built with stdlib's lib
# (makeExtensible / extend), the shape of a package set.
let
  lib = import ../../stdlib/lib;
  n = 20000;
  base = lib.makeExtensible (self:
    builtins.listToAttrs (builtins.genList (i: {
      name = "p${toString i}";
      # each attribute refers to another through `self` (dependency depth ~log2 n)
      value = if i < 2 then i else self."p${toString (i / 2)}" + 1;
    }) n));
  extended = (base.extend (self: super: { p5 = super.p5 * 2; total = self."p${toString (n - 1)}"; }))
    .extend (self: super: lib.mapAttrs (name: v: v) (removeAttrs super [ "extend" "__unfix__" ]));
in
extended.total + builtins.length (builtins.attrNames extended)
