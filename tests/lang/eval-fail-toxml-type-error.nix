builtins.toXML { type = 1 + true; }
