# toXML forces everything it prints, deeply.
let s = { a = 1 + 1; b = [ (2 * 3) { c = "x" + "y"; } ]; }; in builtins.toXML s
