# A functor or a set with __toString is still a set to toXML.
builtins.toXML [ { __functor = self: x: x; } { __toString = self: "s"; } { outPath = "/p"; } ]
