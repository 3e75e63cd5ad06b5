derivation { name = builtins.concatStringsSep "" (builtins.genList (_: "x") 212); system = "x86_64-linux"; builder = "/bin/sh"; }
