# tern difference: values computable without forcing anything (arithmetic on evaluated
# integers, selecting from evaluated sets) are computed when built, so they print as values
# where CppNix shows <CODE> (README: deliberate differences).
let a = 1 + 1; in builtins.seq a [ a a (a + 1) ]
