builtins.splitVersion [ "1" ]
