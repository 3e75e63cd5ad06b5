# toPath returns a string holding a normalised absolute path
[ (builtins.toPath "/a/b/../c/./d/") (builtins.typeOf (builtins.toPath "/x")) (builtins.toPath "//a//b") ]
