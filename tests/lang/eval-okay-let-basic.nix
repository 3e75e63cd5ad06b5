let a = 1; b = a + 1; c = d: d * b; in c 10
