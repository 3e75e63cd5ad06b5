# a quoted name or ${"literal"} is a static binding name in let
let "a" = 1; ${"b"} = 2; in a + b
