builtins.match "a{99994}" ""
