derivation { name = "fod"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha3-qUiQTy8PR5uPgZdpSzAYSw0u0cHNKh7A+4XSmaGSpEc="; }
