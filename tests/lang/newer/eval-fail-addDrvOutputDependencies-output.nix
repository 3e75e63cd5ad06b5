let d = derivation { name = "deps"; system = "x86_64-linux"; builder = "/bin/sh"; }; in builtins.addDrvOutputDependencies d.outPath
