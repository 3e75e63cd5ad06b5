# with --strict, a set or list printed a second time shows as «repeated»
let s = { a = 1; }; l = [ 1 2 ]; in [ s s l l { x = s; } ]
