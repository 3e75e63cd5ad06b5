# every algorithm, on a path and on a string holding a path; the digest is base-16
map (algo: builtins.hashFile algo ./data/a.txt) [ "md5" "sha1" "sha256" "sha512" ]
++ [ (builtins.hashFile "sha256" (toString ./data/a.txt) == builtins.hashString "sha256" (builtins.readFile ./data/a.txt)) ]
