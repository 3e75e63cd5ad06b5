# Nix 2.8 wraps around silently on integer overflow (two's complement).
# Newer Nix (>= 2.25) reports "integer overflow" instead: see newer/.
let max = 9223372036854775807; min = -9223372036854775807 - 1; in
[ (max + 1) (min - 1) (max * 2) (max * max) (builtins.add max 1) (builtins.mul 4611686018427387904 2) (-min) ]
