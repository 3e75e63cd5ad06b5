# tryEval succeeds (the set is in WHNF); --strict then forces the thrown attribute
builtins.tryEval { a = throw "inner"; }
