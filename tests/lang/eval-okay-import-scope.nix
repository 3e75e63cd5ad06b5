let local = "importer"; in import ./data/scope.nix
