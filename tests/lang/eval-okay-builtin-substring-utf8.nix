# offsets and lengths count bytes: "é" is two bytes, "€" three, "😀" four
let s = "aé€😀b"; in
[ (builtins.stringLength s) (builtins.substring 1 2 s) (builtins.substring 3 3 s) (builtins.substring 6 4 s) (builtins.substring 10 5 s) (builtins.stringLength (builtins.substring 2 3 s)) ]
