# some builtins are also available without the builtins. prefix
[ (map (x: x) [ 1 ]) (toString 1) (baseNameOf "/a/b") (dirOf "/a/b") (isNull null) (removeAttrs { a = 1; } [ "a" ]) (__add 1 2) (import ./data/simple.nix).a ]
