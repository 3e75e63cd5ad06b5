builtins.fromJSON ''{ "a": [1, 2.5, null, true, false, "x\u00e9\n", {}], "b": {"c": -3}, "d": "\ud83d\ude00" }''
