# among nested `with`s, the innermost one that has the name wins
with { a = "outer"; b = "outer"; }; with { a = "inner"; }; [ a b ]
