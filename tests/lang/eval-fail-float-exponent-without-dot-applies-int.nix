# with e3 in scope, `1e3` parses as the application `1 e3`
let e3 = 1000; in 1e3
