let const = a: b: a; in [ (const 1 (throw "unused")) ((x: 2) (abort "unused")) (({ a, b }: a) { a = 3; b = throw "unused"; }) ]
