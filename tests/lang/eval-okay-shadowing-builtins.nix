# builtin globals can be shadowed by let and function arguments
let true = false; null = 1; builtins = { x = 2; }; map = "m"; in [ true null builtins.x map ((toString: toString) 3) ]
