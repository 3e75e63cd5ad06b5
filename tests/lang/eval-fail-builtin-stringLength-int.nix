# stringLength coerces its argument to a string; integers are not coerced
builtins.stringLength 123
