builtins.div 0.0 0
