let p = toString ./data/a.txt; in [ (builtins.typeOf p) (baseNameOf p) (builtins.substring 0 1 p) ]
