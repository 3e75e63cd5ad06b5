# `++` binds tighter than `*`: ([1 2] ++ [3]) * 2
[ 1 2 ] ++ [ 3 ] * 2
