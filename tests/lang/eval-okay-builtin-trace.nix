# trace prints to stderr and returns its second argument
[ (builtins.trace "a message" 1) (builtins.trace { a = 1; } "two") ]
