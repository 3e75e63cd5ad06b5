/* block */ 1 /* a /* nested? no: ends here */ + # line comment
2 # trailing
/**/ + /***/ 3 + /* multi
line */ 4
