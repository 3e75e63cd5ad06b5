# two explicit set values for the same key are merged
{ a = { x = 1; }; a = { y = 2; }; b = { p = 1; }; b.q = 2; c.r = 1; c = { s = 2; }; }
