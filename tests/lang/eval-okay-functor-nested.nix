# __functor may itself return a functor set
let f = { __functor = self: x: { __functor = s2: y: x * y; }; }; in f 6 7
