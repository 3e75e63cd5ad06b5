builtins.findFile { } "data"
