# md5, sha1 and sha512 read from each format and written in each; "base32" is the old name of
# nix32 (current Nix warns about it). Values cross-checked with Nix 2.8's `nix hash to-*`.
let
  conv = hashAlgo: hash: map (toHashFormat: builtins.convertHash { inherit hash hashAlgo toHashFormat; }) [ "base16" "nix32" "base32" "base64" "sri" ];
in
[
  (conv "md5" "1ccb2c23242dcb980f1a8de7d4991484")
  (conv "md5" "442jcx9rwd387rijrd4hijrjqw")
  (conv "sha1" "Eki2lxveFWFcqSP3n0Kuoy1zvZA=")
  (conv "sha1" "sha1-Eki2lxveFWFcqSP3n0Kuoy1zvZA=")
  (conv "sha512" "16xpbi1f1s8yijnsxf4p0c5skf8ixnksl0lclsjryzb330aygi2kv7f33f9q5aqprigq6cnw65gpl382vilzyj9d8yfgq65v4xinbvc")
  # an SRI hash names its own algorithm
  (builtins.convertHash { hash = "sha1-Eki2lxveFWFcqSP3n0Kuoy1zvZA="; toHashFormat = "base16"; })
  (builtins.convertHash { hash = "md5:1ccb2c23242dcb980f1a8de7d4991484"; toHashFormat = "sri"; })
]
