# floats print %g-style: integral floats lose their ".0"
[ 1.0 2.0 (-3.0) 100.0 (builtins.typeOf 1.0) ]
