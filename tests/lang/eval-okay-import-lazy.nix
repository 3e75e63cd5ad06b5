# import is lazy like any function application
let unused = import ./data/throws.nix; in "fine"
