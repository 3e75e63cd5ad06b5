# a fraction or an exponent makes a float; large exponents and negative zero
let v = builtins.fromJSON "[ 0, -0, -0.0, 1E3, 1e-3, 2.5e+2, 12345678901234567, 1.7976931348623157e308, 123.456 ]"; in
[ v (map builtins.typeOf v) ]
