[ (builtins.replaceStrings [ "a" "b" ] [ "x" (throw "unused") ] "aaa") (builtins.map 1 [ ]) ]
