# __functor receives the set itself first, then the argument(s)
let f = { __functor = self: a: b: [ self.tag a b ]; tag = "t"; }; in f 1 2
