builtins.bitXor 1 true
