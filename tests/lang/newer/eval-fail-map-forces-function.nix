builtins.length (builtins.map 1 [ 1 ])
