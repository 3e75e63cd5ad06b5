# a `with` in an inner scope does not hide variables from an outer `let`
let f = x: with { x = 0; y = 1; }; x + y; in f 10
