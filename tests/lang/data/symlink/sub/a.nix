{ v = import ./val.nix; }
