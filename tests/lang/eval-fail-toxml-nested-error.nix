builtins.toXML [ { x = [ (1 + "a") ]; } ]
