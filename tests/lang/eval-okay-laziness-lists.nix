let l = [ (throw "x") (abort "y") 3 ]; in [ (builtins.length l) (builtins.elemAt l 2) (builtins.length (map (x: x + 1) l)) ]
