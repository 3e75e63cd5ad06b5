# a Nix string cannot hold a NUL byte (Nix 2.8 cuts the string there)
builtins.fromJSON ''"a\u0000b"''
