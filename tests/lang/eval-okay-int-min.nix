# -9223372036854775808 cannot be written as a literal; build it instead
[ (-9223372036854775807 - 1) (builtins.typeOf (-9223372036854775807 - 1)) ]
