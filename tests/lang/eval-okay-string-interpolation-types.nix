# sets with __toString or outPath can be interpolated (paths are not tested: they would be copied to the store)
let s = { __toString = self: "S"; }; o = { outPath = "O"; }; in
[ "${s}" "${o}" "${"x"}" ]
