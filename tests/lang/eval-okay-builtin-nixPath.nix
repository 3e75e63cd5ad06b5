# the harness runs with NIX_PATH empty and no -I
builtins.nixPath
