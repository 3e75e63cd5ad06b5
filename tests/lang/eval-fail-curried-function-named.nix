let f = x: { y }: y; in f 1 { }
