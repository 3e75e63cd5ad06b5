[ (builtins.catAttrs "a" [ { a = 1; } { b = 2; } { a = 3; } ]) (builtins.catAttrs "z" [ { a = 1; } ]) (builtins.catAttrs "a" [ ]) ]
