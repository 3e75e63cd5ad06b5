builtins.filterSource true ./data/dir
