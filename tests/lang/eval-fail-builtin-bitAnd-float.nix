builtins.bitAnd 6 1.0
