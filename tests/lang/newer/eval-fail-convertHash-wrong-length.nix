builtins.convertHash { hash = "1ccb2c23"; hashAlgo = "md5"; toHashFormat = "sri"; }
