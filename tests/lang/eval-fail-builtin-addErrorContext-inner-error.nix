# the inner error still fails the evaluation; the context is only added to its trace
builtins.addErrorContext "while checking the context" (throw "inner failure")
