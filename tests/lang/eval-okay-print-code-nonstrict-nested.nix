# only the top-level value is forced
{ a = { b = 1; }; c = [ [ 1 ] ]; }
