let d = derivation { name = "dep"; system = "x86_64-linux"; builder = "/bin/sh"; }; in builtins.toFile "script" "run ${d}"
