# Deeply nested data (a 200,000-long chain of sets, and of lists) is built, forced and freed
# without overflowing the stack. (CppNix stops with a stack-overflow error on the deepSeq.)
let
  long = builtins.genList (x: x) 200000;
  chain = builtins.foldl' (tail: head: { inherit head tail; }) null long;
  nested = builtins.foldl' (acc: x: [ acc ]) [ ] long;
in
[ (builtins.deepSeq chain chain.head) (builtins.deepSeq nested (builtins.length nested)) ]
