builtins.match ".*" ./.
