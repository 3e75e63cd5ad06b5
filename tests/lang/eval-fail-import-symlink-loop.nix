import ./data/symlink/loop-a.nix
