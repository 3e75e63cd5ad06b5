# foldl' forces the accumulator after every step, so an erroring intermediate value is not skipped
builtins.foldl' (acc: x: if x == 2 then throw "accumulator forced at 2" else x) 0 [ 1 2 3 ]
