# Expected by current Nix (>= 2.25, see the Nix manual on integers): overflow is an error.
# Nix 2.8 wraps silently instead (see ../eval-okay-int-overflow-wraps.nix).
9223372036854775807 + 1
