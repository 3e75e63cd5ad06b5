# Current CppNix: "while parsing TOML: …" (2.8: "while parsing a TOML string: …").
builtins.fromTOML "a = 1\na = 2"
