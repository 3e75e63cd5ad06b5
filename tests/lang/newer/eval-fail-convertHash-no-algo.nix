builtins.convertHash { hash = "1ccb2c23242dcb980f1a8de7d4991484"; toHashFormat = "sri"; }
