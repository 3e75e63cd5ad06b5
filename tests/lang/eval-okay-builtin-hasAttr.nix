[ (builtins.hasAttr "a" { a = null; }) (builtins.hasAttr "b" { a = 1; }) (builtins.hasAttr "" { "" = 1; }) (builtins.hasAttr "a" { a = throw "not forced"; }) ]
