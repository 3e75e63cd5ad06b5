# a is first a non-set value, then extended with a path
{ a = 1; a.b = 2; }
