# Current CppNix refuses an integer TOML cannot hold; 2.8 (toml11 3) clamped it.
builtins.fromTOML "x = 9223372036854775808"
