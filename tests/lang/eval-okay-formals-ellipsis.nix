({ a, b ? a + 1, ... }@args: [ a b (args ? b) (args ? c) args.c ]) { a = 1; c = 3; }
