[
  (builtins.sort builtins.lessThan [ 3 1 2 ]) (builtins.sort (a: b: a > b) [ 3 1 2 ]) (builtins.sort builtins.lessThan [ ])
  (builtins.sort builtins.lessThan [ "b" "a" "B" ]) (builtins.sort builtins.lessThan [ [ 2 ] [ 1 2 ] [ 1 ] ])
  (builtins.sort (a: b: throw "a single element is not compared") [ 1 ])
]
