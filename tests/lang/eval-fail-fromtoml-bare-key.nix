builtins.fromTOML "a"
