let nan = 1.0e308 * 10 * 0; s = { inherit nan; }; l = [ nan ]; in [ (nan == nan) (s == s) (l == l) ]
