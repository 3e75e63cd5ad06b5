builtins.parseFlakeRef "github:NixOS/nixpkgs/23.05?dir=lib"
