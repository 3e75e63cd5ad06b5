[ (builtins.elem 2 [ 1 2 3 ]) (builtins.elem 5 [ 1 2 ]) (builtins.elem [ 1 ] [ [ 1 ] ]) (builtins.elem 1 [ 1.0 ])
  (builtins.any (x: x > 2) [ 1 2 3 ]) (builtins.any (x: x) [ ]) (builtins.all (x: x > 0) [ 1 2 ]) (builtins.all (x: x) [ ])
  (builtins.any (x: x) [ true (throw "short-circuit") ]) (builtins.all (x: x) [ false (throw "short-circuit") ]) ]
