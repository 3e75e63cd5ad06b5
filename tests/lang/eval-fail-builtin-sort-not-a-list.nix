builtins.sort builtins.lessThan { a = 1; }
