{ a = 1; b = "x\"<>&\n'y"; c = [ true null 1.5 ]; f = { x, y ? 1, ... }@args: x; g = x: x; h = builtins.map; e = { }; l = [ ]; n = { m = { k = -1; }; }; }
