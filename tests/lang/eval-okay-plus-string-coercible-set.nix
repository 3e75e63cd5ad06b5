# a set with __toString or outPath can be added to a string
[ ("a" + { __toString = s: "B"; }) ("a" + { outPath = "O"; }) ]
