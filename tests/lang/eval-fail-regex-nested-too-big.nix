builtins.split "(a{1000}){1000}" ""
