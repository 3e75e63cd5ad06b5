builtins.toXML { b = { c = { d = 1; }; }; a = [ [ [ ] ] { } ]; "" = 0; "1" = 2; Z = 3; }
