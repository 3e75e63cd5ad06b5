[
  (builtins.ceil 1.2) (builtins.ceil (-1.2)) (builtins.ceil 2.0) (builtins.ceil 3)
  (builtins.floor 1.8) (builtins.floor (-1.2)) (builtins.floor (-0.0)) (builtins.floor 7)
]
