builtins.split "[]" "a"
