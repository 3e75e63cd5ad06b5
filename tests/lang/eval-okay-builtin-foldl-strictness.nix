# foldl' forces each intermediate accumulator (to weak head normal form only), not the list elements
[
  (builtins.foldl' (acc: x: acc + 1) 0 [ (throw "element not forced") (throw "element not forced") ])
  (builtins.length (builtins.foldl' (acc: x: [ x ]) [ ] [ 1 (throw "inside a list, not forced") ]))
  (builtins.length (builtins.foldl' (acc: x: acc ++ [ x ]) [ ] (builtins.genList (x: x) 10000)))
]
