let a = builtins.toFile "a" "hello"; b = builtins.toFile "b" "see ${a}"; in [ a b (builtins.getContext b) (builtins.readFile b) (builtins.getContext (builtins.readFile b)) ]
