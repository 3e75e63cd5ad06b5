let s = { a = 1; "b c" = 2; }; in [ (builtins.hasAttr "a" s) (builtins.hasAttr "z" s) (builtins.getAttr "b c" s) (s ? "b c") (builtins ? add) (builtins ? doesNotExist) ]
