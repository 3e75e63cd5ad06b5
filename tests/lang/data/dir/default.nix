# imported via the directory path
{ fromDefault = true; helper = import ./helper.nix; }
