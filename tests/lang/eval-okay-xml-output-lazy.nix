# Without --strict, values not yet evaluated print as <unevaluated />.
{ a = 1; b = throw "never forced"; c = [ (throw "nor this") ]; d = builtins.head [ 2 ]; s = "x"; }
