# warn prints its message on stderr and returns the second argument
[ (builtins.warn "a warning" 1) (builtins.warn "" { a = 2; }) ]
