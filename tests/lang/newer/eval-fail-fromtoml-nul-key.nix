# Current CppNix refuses NUL bytes in keys too.
builtins.fromTOML "\"a\\u0000b\" = 1"
