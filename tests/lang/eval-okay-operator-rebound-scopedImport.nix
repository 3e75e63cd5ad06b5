builtins.scopedImport { __mul = a: b: "scoped"; } ./data/operator-mul.nix
