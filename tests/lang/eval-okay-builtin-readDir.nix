# each entry is "regular", "directory", "symlink" or "unknown"; symlinks are not followed
builtins.readDir ./data/readdir
