# keys may be of any comparable type
[
  (map (e: e.key) (builtins.genericClosure { startSet = [ { key = "b"; } ]; operator = e: if e.key == "b" then [ { key = "a"; } { key = "b"; } ] else [ ]; }))
  (map (e: e.key) (builtins.genericClosure { startSet = [ { key = [ 1 2 ]; } ]; operator = e: [ { key = [ 1 2 ]; } { key = [ 1 ]; } ]; }))
]
