# without --strict, «repeated» shows up once a shared value has been forced
let s = { a = 1; }; l = [ 1 2 ]; in builtins.seq s (builtins.seq l [ s s l l ])
