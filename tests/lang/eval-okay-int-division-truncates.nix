# integer division truncates towards zero
[ (7 / 2) (7 / -2) (-7 / 2) (-7 / -2) (1 / 3) (builtins.div 9 4) ]
