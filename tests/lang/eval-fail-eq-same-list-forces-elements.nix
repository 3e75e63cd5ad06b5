let x = [ (throw "foo") ]; in x == x
