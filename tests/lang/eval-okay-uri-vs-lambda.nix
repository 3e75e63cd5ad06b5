# `x:x` without whitespace is a URI, not a function
let f = x: x; in [ x:x (f 1) (builtins.typeOf x:x) ]
