[ (import ./data/function.nix { x = 1; }) (import ./data/function.nix { x = 1; y = 2; }) ]
