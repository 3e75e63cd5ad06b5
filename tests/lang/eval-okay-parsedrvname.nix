# the version starts at the first dash followed by a non-letter
[ (builtins.parseDrvName "nix-0.12pre12876") (builtins.parseDrvName "hello-2.10") (builtins.parseDrvName "foo-bar-1.0") (builtins.parseDrvName "no-version") (builtins.parseDrvName "a-1-b-2") ]
