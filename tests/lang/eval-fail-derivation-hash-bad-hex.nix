derivation { name = "fod"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashAlgo = "sha1"; outputHash = "zz596363b3de40b06f981fb85d82312e8c0ed511"; }
