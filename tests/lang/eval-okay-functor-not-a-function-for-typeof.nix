let f = { __functor = self: x: x; }; in [ (builtins.isFunction f) (builtins.typeOf f) (builtins.isAttrs f) ]
