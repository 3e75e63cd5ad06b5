builtins.path { path = ./data/a.txt; recursiv = false; }
