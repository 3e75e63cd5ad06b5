builtins.foldl' 1 0 "foo"
