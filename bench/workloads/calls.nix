# Calls: naive Fibonacci (function calls, arithmetic, comparisons) and a curried
# three-argument function recursing 5,000 deep.
let
  fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2);
  walk = a: b: c: if c == 0 then a + b else walk (b + 1) (a + c) (c - 1);
  deep = builtins.genList (i: walk i 0 5000) 40;
in
[ (fib 30) (builtins.foldl' (x: y: x + y) 0 deep) ]
