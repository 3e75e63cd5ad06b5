# `let` bindings whose value is a constant are read as that constant; everything else about
# them stays as Nix has it.
let
  b = builtins;
  inherit (builtins) head length;
  inherit (b) tail;
  n = 3;
  s = "text";
  # A rebound operator builtin bound to a constant still takes the operator over.
  __sub = builtins.mul;
  # Shadowing: the inner binding wins, constant or not.
  shadowed = let n = 10; in n;
  rebound = let b = { add = x: y: x * y; }; in b.add 3 4;
  # `with` never overrides a lexical binding, constant or not.
  viaWith = with { n = 100; b = null; }; n + b.length [ 1 2 ];
  # A later binding referring to a constant one, and a function capturing it.
  m = n + 1;
  f = x: b.add x n;
  # An earlier binding referring to a later constant one.
  early = later * 2;
  later = 21;
  g = b.foldl' (acc: x: acc + x) 0;
in
[ (head [ 1 2 ]) (length [ 1 2 3 ]) (tail [ 1 2 ]) (7 - n) s shadowed rebound viaWith m (f 4) early (g [ 1 2 3 ]) (b ? attrNames) ]
