# selection binds tighter than application
let f = x: x; s = { a = 10; }; in [ (f s.a) ((x: x) { a = 1; }.a) ]
