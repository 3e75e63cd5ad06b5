builtins.scopedImport [ ] ./data/simple.nix
