[ (builtins.mul 6 7) (builtins.mul 2 1.5) (builtins.mul (-3) 0) (builtins.sub 10 3) (builtins.sub 1 2.5) (builtins.sub 0 (-9223372036854775807)) ]
