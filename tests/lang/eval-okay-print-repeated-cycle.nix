# a cyclic value prints finitely
let x = { self = x; v = 1; }; in x
