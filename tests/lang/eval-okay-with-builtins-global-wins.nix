# builtin globals such as `map` and `true` are lexical, so they beat `with`
with { map = "with"; true = "with"; toString = "with"; }; [ (builtins.typeOf map) true (toString 1) ]
