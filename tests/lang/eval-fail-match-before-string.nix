builtins.match "(" (throw "not forced")
