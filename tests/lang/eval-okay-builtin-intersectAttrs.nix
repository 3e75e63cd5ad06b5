# the values come from the second set
[ (builtins.intersectAttrs { a = 1; b = 2; } { b = 20; c = 30; }) (builtins.intersectAttrs { } { a = 1; }) (builtins.intersectAttrs { a = throw "not forced"; } { a = 2; }) ]
