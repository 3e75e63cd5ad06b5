let s = "hello"; in
[ (builtins.substring 1 2 s) (builtins.substring 0 0 s) (builtins.substring 3 10 s) (builtins.substring 10 1 s) (builtins.substring 1 (-1) s) ]
