# structurally equal but distinct values are printed in full
let l = [ 1 ]; in [ { a = 1; } { a = 1; } l (l ++ [ ]) ]
