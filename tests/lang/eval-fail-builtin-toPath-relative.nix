builtins.toPath "relative/path"
