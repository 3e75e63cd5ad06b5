let v = { a = [ 1 "two" null ]; b = { c = true; }; }; in builtins.fromJSON (builtins.toJSON v) == v
