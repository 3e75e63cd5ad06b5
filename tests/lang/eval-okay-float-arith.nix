[ (0.1 + 0.2) (1.5 * 1.5) (10.0 / 4) (0.5 - 1) (builtins.floor 2.5) (builtins.ceil 2.5) (builtins.floor (-2.5)) (builtins.ceil (-2.5)) (builtins.typeOf (builtins.floor 2.5)) ]
