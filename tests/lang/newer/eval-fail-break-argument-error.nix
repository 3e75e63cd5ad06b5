builtins.break (throw "the argument of break fails")
