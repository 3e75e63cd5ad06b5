# `f -1` parses as `f - 1`
let f = x: x; in f -1
