builtins.findFile [ { prefix = "data"; path = ./data; } ] "nothere/x.nix"
