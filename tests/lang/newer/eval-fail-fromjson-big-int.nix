# Expected by current Nix: JSON integers outside the Nix integer range are an error.
# Nix 2.8 wraps silently instead (see ../eval-okay-fromjson-big-int-wraps.nix).
builtins.fromJSON ''{"attr": 18446744073709551615}''
