let sp = [ { prefix = "d"; path = ./data; } { prefix = ""; path = ./data/lib; } ]; in
[
  (baseNameOf (builtins.findFile sp "d/a.txt"))
  (baseNameOf (builtins.findFile sp "d"))
  (baseNameOf (builtins.findFile sp "sibling.nix"))
  (builtins.typeOf (builtins.findFile sp "d/a.txt"))
]
