builtins.foldl' (acc: x: acc + x) 0 "123"
