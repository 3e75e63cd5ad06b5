# integers print in full; floats as C++ streams print them in Nix 2.8: 6 significant digits, exponent beyond that, no ".0"
[
  (builtins.toJSON [ 0 (-1) 9223372036854775807 (-9223372036854775807 - 1) ])
  (builtins.toJSON [ 0.0 (-0.0) 1.5 (-2.25) 1.0e21 1.0e-7 123456789012345678.0 (0.1 + 0.2) ])
  (builtins.toJSON { n = 1; f = 1.0; })
]
