# formals may consist of just `...`
[ (({ ... }: "any") { x = 1; }) (({ a, ... }: a) { a = 1; }) ]
