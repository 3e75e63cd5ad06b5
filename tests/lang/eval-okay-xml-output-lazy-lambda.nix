# tern's own difference (see README): a lambda stored in a set is a value at once, so the
# lazy XML output shows <function> where CppNix shows <unevaluated /> (its thunk).
{ f = x: x; g = { a, ... }: a; }
