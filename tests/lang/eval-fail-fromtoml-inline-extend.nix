builtins.fromTOML "a = { b = 1 }\n[a.c]\nd = 1"
