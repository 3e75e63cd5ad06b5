# min / -1 does not fit: this is an error even in Nix 2.8
(-9223372036854775807 - 1) / (-1)
