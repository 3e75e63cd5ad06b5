# unlike listToAttrs, the last duplicate key wins
builtins.fromJSON ''{"a": 1, "a": 2}''
