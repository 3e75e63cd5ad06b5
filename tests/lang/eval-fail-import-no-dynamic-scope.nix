# imported files are closed: they do not see the importer's bindings
let outer = 1; in import ./data/uses-outer.nix
