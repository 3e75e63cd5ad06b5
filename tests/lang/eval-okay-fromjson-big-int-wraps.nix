# Nix 2.8 silently wraps JSON integers beyond the signed 64-bit range.
# Newer Nix rejects them instead: see newer/eval-fail-fromjson-big-int.nix.
builtins.fromJSON "[9223372036854775807, 9223372036854775808, 18446744073709551615]"
