# tern difference: values computable without forcing anything (arithmetic on evaluated
# integers, selecting from evaluated sets) are computed when built, so they print as values
# where CppNix shows <CODE> (README: deliberate differences).
# constants are stored evaluated; other elements are thunks
let x = 2; y = x + 1; in [ 1 "s" x y (x) [ ] { } (1 + 1) true ]
