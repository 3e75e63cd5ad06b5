# unused bindings are never evaluated
let unused = throw "never"; alsoUnused = abort "never"; in 42
