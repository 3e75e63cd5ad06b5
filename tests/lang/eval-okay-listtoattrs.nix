# with duplicate names the first occurrence wins
[ (builtins.listToAttrs [ { name = "a"; value = 1; } { name = "b"; value = 2; } { name = "a"; value = 3; } ]) (builtins.listToAttrs [ ]) (builtins.listToAttrs [ { name = "x y"; value = null; extra = 1; } ]) ]
