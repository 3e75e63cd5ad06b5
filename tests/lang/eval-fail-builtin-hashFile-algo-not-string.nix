builtins.hashFile null ./data/a.txt
