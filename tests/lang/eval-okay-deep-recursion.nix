# moderately deep recursion and long folds must work
let f = n: if n == 0 then 0 else f (n - 1); in [ (f 10000) (builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 100000)) ]
