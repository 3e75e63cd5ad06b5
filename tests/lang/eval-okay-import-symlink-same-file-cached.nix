[ ((import ./data/symlink/fun.nix) == (import ./data/symlink/fun-link.nix)) (import ./data/symlink/dir-link) ]
