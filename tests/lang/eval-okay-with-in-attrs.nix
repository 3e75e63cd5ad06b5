# with scope inside an attribute value and inside a rec set
let s = { p = 1; }; in rec { a = with s; p; b = with s; a + p; }
