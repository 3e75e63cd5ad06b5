# Without a base directory (the builtins have none) a path must be absolute.
builtins.parseFlakeRef "./foo"
