builtins.sub "3" 1
