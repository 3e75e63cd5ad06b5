let compose = f: g: x: f (g x); in
[ (map (compose (x: x * 2) (x: x + 1)) [ 1 2 3 ]) (builtins.foldl' (acc: f: f acc) 1 [ (x: x + 1) (x: x * 10) ]) (map builtins.head [ [ 1 ] [ 2 ] ]) (builtins.filter builtins.isInt [ 1 "a" 2 ]) ]
