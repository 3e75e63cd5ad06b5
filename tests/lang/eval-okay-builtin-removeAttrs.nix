# names that are not present are ignored
[ (builtins.removeAttrs { a = 1; b = 2; c = 3; } [ "a" "c" "zz" ]) (builtins.removeAttrs { } [ "a" ]) (builtins.removeAttrs { a = 1; } [ ]) ]
