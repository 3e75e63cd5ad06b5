# Without --strict, values not yet evaluated print as <unevaluated />.
{ a = 1; b = 1 + 1; c = [ (2 + 2) ]; s = "x"; }
