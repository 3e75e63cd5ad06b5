# `?` takes an attribute path and binds tighter than `!` and `==`
[ ({ a.b = 1; } ? a.b) ({ a = 1; } ? a.b) ({ a.b = 1; } ? a.c) (!{ a = 1; } ? a) ({ a = 1; } ? a == true) ({ "x y" = 1; } ? "x y") ({ a = 1; } ? ${"a"}) ]
