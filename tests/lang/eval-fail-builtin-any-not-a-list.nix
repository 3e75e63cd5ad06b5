builtins.any (x: x) { a = true; }
