# Without the experimental feature parse-toml-timestamps (2.8 says "while parsing a TOML string").
builtins.fromTOML "d = 1979-05-27T07:32:00Z"
