map builtins.typeOf [ 1 1.5 "s" ./data true null [ ] { } (x: x) builtins.add (builtins.add 1) { __functor = self: x: x; } ]
