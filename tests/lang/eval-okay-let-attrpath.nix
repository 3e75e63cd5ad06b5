# attribute paths in let define nested sets
let a.b = 1; a.c = 2; in a
