# JSON numbers with a fraction or exponent become floats
let v = builtins.fromJSON "[1.0, 1e2, -0, 1, -5, 0.5]"; in [ v (map builtins.typeOf v) ]
