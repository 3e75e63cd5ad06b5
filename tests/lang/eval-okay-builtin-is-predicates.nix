let
  vals = [ 1 1.5 "s" ./data true null [ ] { } (x: x) builtins.add (builtins.add 1) { __functor = self: x: x; } ];
  preds = with builtins; [ isInt isFloat isString isPath isBool isNull isList isAttrs isFunction ];
in map (p: map p vals) preds
