[ (builtins.floor 9007199254740992) (builtins.ceil (-9007199254740992)) (builtins.floor 42) (builtins.ceil 1.5) (builtins.floor (-9.2e18)) ]
