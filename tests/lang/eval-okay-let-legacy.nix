# legacy `let { ... }` is a recursive set whose `body` attribute is the result
let { x = 1; y = x + 1; body = [ x y ]; }
