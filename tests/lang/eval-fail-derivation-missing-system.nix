derivation { name = "x"; builder = "/bin/sh"; system = ""; }
