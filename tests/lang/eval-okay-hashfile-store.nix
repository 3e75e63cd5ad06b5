[ (builtins.hashFile "sha256" ./data/store/file.txt) (builtins.hashFile "md5" (builtins.toFile "h" "hello")) (builtins.hashString "sha512" "") ]
