# ./data/ followed by an interpolation
let f = "a.txt"; in baseNameOf ./data/${f}
