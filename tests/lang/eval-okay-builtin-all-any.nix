[
  (builtins.all (x: x > 0) [ 1 2 3 ]) (builtins.all (x: x > 1) [ 1 2 3 ]) (builtins.all (x: throw "not called") [ ])
  (builtins.any (x: x > 2) [ 1 2 3 ]) (builtins.any (x: x > 3) [ 1 2 3 ]) (builtins.any (x: throw "not called") [ ])
  # both stop at the first decisive element
  (builtins.all (x: x) [ false (throw "not reached") ]) (builtins.any (x: x) [ true (throw "not reached") ])
]
