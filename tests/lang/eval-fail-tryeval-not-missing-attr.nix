# only throw and assert failures are caught
builtins.tryEval { }.a
