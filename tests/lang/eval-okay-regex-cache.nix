# The same pattern used many times (compiled once), interleaved with others.
let
  xs = builtins.genList (i: toString i) 200;
  r = map (x: [ (builtins.match "([0-9])([0-9]*)" x) (builtins.split "1" x) ]) xs;
in [ (builtins.length r) (builtins.elemAt r 0) (builtins.elemAt r 111) (builtins.elemAt r 199) ]
