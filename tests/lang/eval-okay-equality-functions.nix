# functions are never equal, not even to themselves
let f = x: x; in [ ((x: x) == (x: x)) (f == f) (builtins.add == builtins.add) ]
