let __sub = a: b: "s"; in [ (5 - 3) (-5) (let x = 5; in -x) ]
