# `inherit x;` in a rec set takes x from the enclosing scope, not from the set itself
let x = "outer"; in rec { inherit x; y = x; }
