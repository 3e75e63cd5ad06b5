# tryEval only forces its argument to weak head normal form
[ (builtins.tryEval { a = throw "inner"; }).success (builtins.length (builtins.tryEval [ (throw "x") ]).value) ]
