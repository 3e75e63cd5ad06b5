builtins.currentSystem "x86_64-linux"
