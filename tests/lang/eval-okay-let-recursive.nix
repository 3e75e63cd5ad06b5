# let bindings are mutually recursive and order-independent
let y = x + 1; x = 1; even = n: if n == 0 then true else odd (n - 1); odd = n: if n == 0 then false else even (n - 1); in [ y (even 10) (odd 7) ]
