[ (builtins.readFile ./data/a.txt) (builtins.readFile ./data/readdir/sub/.keep) (builtins.readFile (toString ./data/a.txt)) (builtins.readFile ./data/readdir/link) ]
