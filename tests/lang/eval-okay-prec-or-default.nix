# `or` binds to the selection, not to the whole expression
let a = { b.c = 1; }; e = {}; f = x: x; in
[ (a.b.c or 2) (e.b.c or 2) (a.b.c.d or 3) (e.x or 3 + 1) (f e.x or 5) ]
