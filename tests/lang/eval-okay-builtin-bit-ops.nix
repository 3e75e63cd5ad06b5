[
  (builtins.bitAnd 12 10) (builtins.bitOr 12 10) (builtins.bitXor 12 10)
  (builtins.bitAnd (-1) 255) (builtins.bitOr (-8) 3) (builtins.bitXor (-1) 0)
  (builtins.bitAnd 9223372036854775807 (-9223372036854775807 - 1))
]
