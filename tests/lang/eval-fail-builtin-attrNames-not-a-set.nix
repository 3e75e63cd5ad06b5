builtins.attrNames [ "a" ]
