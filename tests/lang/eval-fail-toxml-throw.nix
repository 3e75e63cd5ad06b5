builtins.toXML { a = 1; b = throw "boom"; }
