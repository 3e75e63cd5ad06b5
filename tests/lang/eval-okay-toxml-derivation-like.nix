# A set with type = "derivation" is shown as <derivation>; a repeated drvPath, or one
# missing, prints <repeated /> instead of the attributes.
let
  d = { type = "derivation"; drvPath = "/nix/store/aaaa-x.drv"; outPath = "/nix/store/bbbb-x"; name = "x"; };
in builtins.toXML [
  d
  d
  { type = "derivation"; outPath = "/o"; }
  { type = "derivation"; drvPath = 1; outPath = "/o"; z = 2; }
  { type = "derivation"; drvPath = "/nix/store/cccc-y.drv"; self = { type = "derivation"; drvPath = "/nix/store/cccc-y.drv"; }; }
  { type = "not a derivation"; drvPath = "/d"; }
]
