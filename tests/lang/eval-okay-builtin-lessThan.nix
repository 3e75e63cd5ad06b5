[
  (builtins.lessThan 1 2) (builtins.lessThan 2 1) (builtins.lessThan 1 1.5) (builtins.lessThan 1.5 1)
  (builtins.lessThan "a" "b") (builtins.lessThan "B" "a") (builtins.lessThan "" "a")
  (builtins.lessThan [ 1 2 ] [ 1 3 ]) (builtins.lessThan [ 1 ] [ 1 0 ]) (builtins.lessThan ./a ./b)
]
