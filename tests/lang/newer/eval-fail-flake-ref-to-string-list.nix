builtins.flakeRefToString { type = "path"; path = [ "/x" ]; }
