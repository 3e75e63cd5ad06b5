let __lessThan = a: b: "s"; in 1 <= 2
