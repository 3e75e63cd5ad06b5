# A fixed point over thousands of attributes, extended by overlays (the shape of a
# package set): each attribute refers to others through `self`.
let
  fix = f: let x = f x; in x;
  extends = overlay: f: self: let super = f self; in super // overlay self super;
  n = 5000;
  base = self: builtins.listToAttrs (builtins.genList (i: {
    name = "p${toString i}";
    value = if i == 0 then 1 else self."p${toString (i - 1)}" + 1;
  }) n);
  overlay1 = self: super: { p10 = super.p10 * 2; extra = self.p4999; };
  overlay2 = self: super: builtins.mapAttrs (name: v: v) super;
  final = fix (extends overlay2 (extends overlay1 base));
in
final.extra + builtins.length (builtins.attrNames final)
