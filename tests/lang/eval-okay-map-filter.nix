[ (map (x: x * x) [ 1 2 3 ]) (map (x: x) [ ]) (builtins.filter (x: x > 1) [ 1 2 3 1 ]) (builtins.filter (x: true) [ ]) (map (s: s.a) [ { a = 1; } { a = 2; } ]) ]
