# // binds tighter than ==, and is right-biased and right-associative
[ ({ a = 1; } // { b = 2; } == { a = 1; b = 2; }) ({ a = 1; } // { b = 2; } // { a = 3; }) ]
