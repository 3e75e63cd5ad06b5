# unused values are never forced
let s = { a = throw "a"; b = abort "b"; c = 1; }; in [ s.c (builtins.attrNames s) (s ? a) ]
