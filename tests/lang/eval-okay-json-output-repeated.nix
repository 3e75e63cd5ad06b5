# shared values are printed in full in JSON
let s = { a = 1; }; in [ s s ]
