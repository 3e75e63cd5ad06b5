# a lexically bound variable always wins over `with`, however far out it is bound
let x = "let"; in with { x = "with"; y = "with"; }; [ x y ]
