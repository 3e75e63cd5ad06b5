builtins.hashFile "sha3" ./data/a.txt
