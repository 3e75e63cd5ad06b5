let f = x: x; s = { a = f; }; l = [ f ]; in [ (f == f) ([ f ] == [ f ]) ({ a = f; } == { a = f; }) (s == s) (l == l) ([ s ] == [ s ]) ([ (x: x) ] == [ (x: x) ]) ]
