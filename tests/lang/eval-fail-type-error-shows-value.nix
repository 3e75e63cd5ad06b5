builtins.length 8
