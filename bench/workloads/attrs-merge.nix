# Many `//` merges of growing and small sets, plus attribute lookups.
let
  n = 3000;
  step = acc: i: acc // { "k${toString i}" = i; } // { last = i; };
  big = builtins.foldl' step { } (builtins.genList (x: x) n);
in
builtins.foldl' (sum: name: sum + big.${name}) 0 (builtins.filter (x: x != "last") (builtins.attrNames big))
