# tern difference: values computable without forcing anything (arithmetic on evaluated
# integers, selecting from evaluated sets, `builtins.x`) are computed when built, so they print as values
# where CppNix shows <CODE> (README: deliberate differences).
# without --strict, values inside the top-level set that are still unevaluated print as <CODE>;
# tern builds a closure directly instead of a thunk (it costs nothing), so `c` prints as <LAMBDA>
# where CppNix shows <CODE> (see README: deliberate differences)
{ a = 1 + 1; b = [ 1 ]; c = x: x; d = { }; e = builtins.add; f = "str"; g = 3; h = 1.5; i = null; j = -1; }
