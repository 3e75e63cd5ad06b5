let d = { type = "derivation"; outPath = "x"; other = throw "no"; }; s = { a = throw "a"; }; in [ (d == d) ([ s ] == [ s ]) ]
