builtins.readFileType ./../data/does-not-exist
