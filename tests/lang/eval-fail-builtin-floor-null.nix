builtins.floor null
