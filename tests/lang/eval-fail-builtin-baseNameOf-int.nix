# baseNameOf coerces its argument to a string; integers are not coerced
baseNameOf 12
