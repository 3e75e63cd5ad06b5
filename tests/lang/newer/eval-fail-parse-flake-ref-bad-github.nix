builtins.parseFlakeRef "github:NixOS"
