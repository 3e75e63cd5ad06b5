# Expected by current Nix (>= 2.25): overflow is an error. Nix 2.8 wraps.
9223372036854775807 * 2
