derivation { name = "twice"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" "out" ]; }
