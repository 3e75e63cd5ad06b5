# strings and paths can be interpolated; ints/floats/bools/null/lists cannot
let s = { __toString = self: "S"; }; o = { outPath = "O"; }; in
[ "${s}" "${o}" "${"x"}" ]
