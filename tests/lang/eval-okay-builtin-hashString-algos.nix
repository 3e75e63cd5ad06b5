map (algo: [ (builtins.hashString algo "") (builtins.hashString algo "The quick brown fox") ]) [ "md5" "sha1" "sha256" "sha512" ]
