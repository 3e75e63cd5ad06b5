let p = builtins.unsafeDiscardStringContext (builtins.toFile "a" "hello"); in builtins.appendContext "x" { ${p} = { outputs = [ "out" ]; }; }
