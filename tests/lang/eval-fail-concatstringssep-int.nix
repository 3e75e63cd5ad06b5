# unlike toString, concatStringsSep does not coerce integers
builtins.concatStringsSep "," [ 1 2 ]
