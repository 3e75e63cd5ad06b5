with { a = 1; }; with { b = 2; }; with { c = 3; }; [ a b c ]
