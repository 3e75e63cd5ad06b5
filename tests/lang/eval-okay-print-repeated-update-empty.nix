# quirk: s // { } is the very same set as s, so it is «repeated»
let s = { a = 1; }; in [ s (s // { }) ({ } // s) ]
