# CppNix shows a selection as (s).a
let s = { a = false; }; in assert s.a; 1
