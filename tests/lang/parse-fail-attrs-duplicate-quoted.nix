# "a" and ${"a"} are static names, the same as a
{ "a" = 1; ${"a"} = 2; }
