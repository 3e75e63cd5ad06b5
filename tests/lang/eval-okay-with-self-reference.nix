# an inner with-expression may use names provided by an outer `with`
with { x = 1; }; with { y = x + 1; }; [ x y ]
