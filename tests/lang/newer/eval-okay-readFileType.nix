# "regular", "directory", "symlink" or "unknown"; a symlink is not followed
[ (builtins.readFileType ./../data/readdir/file.txt) (builtins.readFileType ./../data/readdir) (builtins.readFileType ./../data/readdir/link) (builtins.readFileType (toString ./../data/a.txt)) ]
