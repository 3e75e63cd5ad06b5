# the result takes the names of both and the values of the second set
[ (builtins.intersectAttrs { a = 1; b = 2; } { b = 3; c = 4; }) (builtins.intersectAttrs { } { a = 1; }) (builtins.intersectAttrs { a = throw "not forced"; } { a = "second"; }) ]
