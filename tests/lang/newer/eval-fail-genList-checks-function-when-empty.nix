builtins.genList 1 0
