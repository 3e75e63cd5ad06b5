# only strings are accepted as the message
builtins.warn { msg = "x"; } 1
