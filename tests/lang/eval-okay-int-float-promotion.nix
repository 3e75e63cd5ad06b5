# mixing an int and a float yields a float
[ (1 + 1.0) (builtins.typeOf (1 + 1.0)) (builtins.typeOf (2 * 1.5)) (7.0 / 2) (7 / 2.0) (1 - 0.5) (2 / 4.0) (builtins.typeOf (4 / 2.0)) ]
