builtins.match "[[.-.]]" "-"
