builtins.length (builtins.genList 1 2)
