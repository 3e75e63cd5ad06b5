[
  (builtins.pathExists ./data/a.txt) (builtins.pathExists ./data/missing.txt) (builtins.pathExists ./data)
  (builtins.pathExists "/") (builtins.pathExists "/surely/not/here") (builtins.pathExists (toString ./data/a.txt))
  (builtins.pathExists ./data/readdir/link)
]
