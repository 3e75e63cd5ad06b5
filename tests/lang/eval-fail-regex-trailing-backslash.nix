builtins.split "a\\" "a"
