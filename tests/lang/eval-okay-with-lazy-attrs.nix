with { a = throw "never"; b = 1; }; b
