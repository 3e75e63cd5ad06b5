# constants are stored evaluated; other elements are thunks
let x = 2; y = x + 1; in [ 1 "s" x y (x) [ ] { } (1 + 1) true ]
