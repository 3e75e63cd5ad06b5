let vals = [ 1 1.5 "s" ./data true null [ ] { } (x: x) builtins.add ]; in
map (p: map p vals) [ builtins.isInt builtins.isFloat builtins.isString builtins.isPath builtins.isBool builtins.isNull builtins.isList builtins.isAttrs builtins.isFunction ]
