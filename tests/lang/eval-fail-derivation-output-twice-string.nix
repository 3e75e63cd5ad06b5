derivation { name = "twice"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = "lib out lib"; }
