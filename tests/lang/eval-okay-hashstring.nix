[ (builtins.hashString "md5" "") (builtins.hashString "sha1" "abc") (builtins.hashString "sha256" "abc") (builtins.hashString "sha512" "abc") (builtins.hashString "sha256" "é") ]
