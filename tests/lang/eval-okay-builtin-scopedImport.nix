# the scope's names are visible in the imported file, and builtins stay available
[ (builtins.scopedImport { outer = 42; } ./data/uses-outer.nix) (builtins.scopedImport { } ./data/simple.nix) ]
