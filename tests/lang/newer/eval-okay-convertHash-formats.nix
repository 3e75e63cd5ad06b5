let
  sri = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  to = toHashFormat: hash: builtins.convertHash { inherit hash toHashFormat; };
in
[
  (to "base16" sri)
  (to "nix32" sri)
  (to "base64" sri)
  (to "sri" "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73")
  (builtins.convertHash { hash = "d41d8cd98f00b204e9800998ecf8427e"; hashAlgo = "md5"; toHashFormat = "sri"; })
]
