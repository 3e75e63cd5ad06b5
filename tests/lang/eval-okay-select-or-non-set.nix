# `or` also catches selecting from a non-set
let s = { a = 1; }; in s.a.b or "default"
