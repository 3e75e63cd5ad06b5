builtins.removeAttrs [ 1 ] [ "a" ]
