builtins.flakeRefToString { type = "github"; owner = "NixOS"; repo = "nixpkgs"; url = "x"; }
