# `data/a.txt` (no leading ./) is a relative path too
[ (builtins.typeOf data/a.txt) (data/a.txt == ./data/a.txt) ]
