# --json: keys sorted, no spaces, floats via %g
{ b = 1.5; a = "x"; c = [ null true false 1 (-2) ]; d = { }; e = [ ]; f = { z = 1; y = 2; }; }
