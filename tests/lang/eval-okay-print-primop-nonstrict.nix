builtins.add
