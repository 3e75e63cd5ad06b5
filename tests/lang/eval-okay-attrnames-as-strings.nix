# Strings made from attribute names (attrNames, the names mapAttrs and zipAttrsWith pass)
# behave as any other string: as keys again, in string operations, comparisons and
# hashing, and beside equal strings built by hand.
let
  set = { alpha = 1; beta = 2; "with space" = 3; "" = 4; "ünïcödé" = 5; ${"x" + "y"} = 6; };
  names = builtins.attrNames set;
  rebuilt = builtins.listToAttrs (map (name: { inherit name; value = set.${name} * 10; }) names);
  mapped = builtins.mapAttrs (name: value: name + "=" + toString value) set;
  zipped = builtins.zipAttrsWith (name: values: "${name}:${toString (builtins.length values)}") [ set { alpha = 0; } ];
  handMade = "al" + "pha";
in
{
  inherit names rebuilt mapped zipped;
  lengths = map builtins.stringLength names;
  joined = builtins.concatStringsSep "," names;
  equalToHandMade = builtins.elem handMade names && builtins.elemAt names 1 == handMade;
  sorted = builtins.sort (a: b: a > b) names;
  hashed = map (builtins.hashString "sha256") names;
  substrings = map (builtins.substring 1 3) names;
  removed = builtins.attrNames (builtins.removeAttrs set (builtins.filter (n: n != "beta") names));
  viaGetAttr = map (n: builtins.getAttr n set) names;
  viaHasAttr = builtins.all (n: builtins.hasAttr n set) names;
  grouped = builtins.attrNames (builtins.groupBy (n: n) names);
  asDynamicKeys = builtins.attrNames (builtins.foldl' (acc: n: acc // { ${n + "!"} = true; ${n} = n; }) { } names);
  replaced = map (builtins.replaceStrings [ "a" ] [ "A" ]) names;
  contextFree = map builtins.hasContext names;
  json = builtins.toJSON names;
}
