builtins.path { path = ./data/a.txt; sha256 = "sha256-qUiQTy8PR5uPgZdpSzAYSw0u0cHNKh7A+4XSmaGSpEc="; }
