derivation { name = "fod"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha256-qUiQTy8PR5uPgZdpSzAYSw=="; }
