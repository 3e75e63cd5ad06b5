with { a = 1; }; z
