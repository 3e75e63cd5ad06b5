builtins.groupBy (x: "k") { a = 1; }
