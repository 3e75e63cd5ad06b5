[ ([ builtins.add ] == [ builtins.add ]) ({ inherit (builtins) add; } == { inherit (builtins) add; }) (let f = builtins.add 1; in [ f ] == [ f ]) ]
