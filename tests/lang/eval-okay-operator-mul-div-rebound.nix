let __mul = a: b: "m${toString a}${toString b}"; __div = a: b: "d${toString a}${toString b}"; in [ (2 * 3) (4 / 2) ]
