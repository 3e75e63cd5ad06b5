# Long lists: genList, map, filter and a strict fold.
let
  xs = builtins.genList (x: x) 500000;
  ys = builtins.map (x: x * 3) xs;
  zs = builtins.filter (x: builtins.bitAnd x 1 == 0) ys;
in
builtins.foldl' (a: b: a + b) 0 zs
