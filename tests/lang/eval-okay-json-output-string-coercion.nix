# sets with __toString or outPath are output as strings (as toString would)
[ { outPath = "out"; x = 1; } { __toString = self: "ts"; x = 1; } ]
