builtins.fromJSON [ ]
