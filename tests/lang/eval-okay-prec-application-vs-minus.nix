# `f -1` is the subtraction `f - 1`, so write `f (-1)`; unary minus applies after application
let f = x: x * 2; in [ (f (-1)) (-f 3) (f 1 - 1) (- - 1) (-(x: 2) 1) ]
