builtins.filterSource (p: t: "yes") ./data/dir
