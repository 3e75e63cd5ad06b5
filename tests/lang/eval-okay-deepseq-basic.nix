[ (builtins.deepSeq { a = [ 1 { b = 2; } ]; } "ok") (builtins.deepSeq 1 2) ]
