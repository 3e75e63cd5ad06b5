builtins.flakeRefToString { owner = "NixOS"; repo = "nixpkgs"; }
