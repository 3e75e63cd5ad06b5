# a dynamic attribute whose name evaluates to null is left out
{ ${null} = 1; a = 2; ${if true then null else "b"} = 3; }
