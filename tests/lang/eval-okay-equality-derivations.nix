# sets with type = "derivation" are compared by outPath only
let d = o: extra: { type = "derivation"; outPath = o; } // extra; in
[ (d "a" { x = 1; } == d "a" { x = 2; }) (d "a" { } == d "b" { }) (d "a" { } == d "a" { y = 1; z = throw "not forced"; })
  ({ outPath = "a"; x = 1; } == { outPath = "a"; x = 2; }) ]
