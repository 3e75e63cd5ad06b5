[ (builtins.fromTOML "") (builtins.fromTOML "\n# only a comment\n") (builtins.fromTOML "[a]") ]
