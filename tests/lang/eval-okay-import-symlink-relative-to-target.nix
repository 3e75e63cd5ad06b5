import ./data/symlink/link.nix
