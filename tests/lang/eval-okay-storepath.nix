let p = builtins.toFile "sp" "content"; s = builtins.storePath (builtins.unsafeDiscardStringContext p); in [ s (builtins.getContext s) ]
