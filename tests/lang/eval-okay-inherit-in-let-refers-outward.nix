# `inherit x;` in a let takes x from the enclosing scope (no self-reference loop)
let x = 1; in let inherit x; y = x + 1; in [ x y ]
