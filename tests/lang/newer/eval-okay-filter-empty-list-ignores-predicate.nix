builtins.filter 1 [ ]
