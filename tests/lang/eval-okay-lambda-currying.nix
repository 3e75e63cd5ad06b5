let add = a: b: c: a + b + c; add1 = add 1; add12 = add1 2; in [ (add12 3) (add 1 2 3) (map (add 10 0) [ 1 2 ]) ]
