# `<` is shown desugared to __lessThan
assert 1 < 0; 1
