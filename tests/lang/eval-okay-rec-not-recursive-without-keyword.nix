# without `rec`, attribute values see the enclosing scope, not the set
let a = 10; in { a = 1; b = a; }
