# Current CppNix refuses NUL bytes in strings; 2.8 cut the string there.
builtins.fromTOML "a = \"x\\u0000y\""
