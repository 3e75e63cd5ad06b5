let d = derivation { name = "dep"; system = "x86_64-linux"; builder = "/bin/sh"; }; in derivation { name = "x-${d}"; system = "x86_64-linux"; builder = "/bin/sh"; }
