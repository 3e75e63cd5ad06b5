# quirk: inside lists/sets, values that are the very same object compare equal,
# even functions (CppNix checks pointer identity first). `g = f` aliases f.
let f = x: x; g = f; s = { h = y: y; }; in
[ ([ f ] == [ f ]) ({ a = f; } == { a = f; }) ([ f ] == [ g ]) ([ s.h ] == [ s.h ]) ([ (x: x) ] == [ (x: x) ]) (s == s) ]
