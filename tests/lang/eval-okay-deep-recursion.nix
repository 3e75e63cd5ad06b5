# moderately deep recursion (below the default max-call-depth of 10000) and long folds must work
let f = n: if n == 0 then 0 else f (n - 1); in [ (f 9000) (builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 100000)) ]
