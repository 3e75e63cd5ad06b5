{ lambda = x: x; primop = builtins.add; primopApp = builtins.add 1; functor = { __functor = self: x: x; }; mapPartial = map (x: x); }
