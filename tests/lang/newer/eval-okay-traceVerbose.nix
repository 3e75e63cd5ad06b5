# without --trace-verbose, traceVerbose prints nothing and returns its second argument
[ (builtins.traceVerbose "hidden" 1) (builtins.traceVerbose (throw "not forced without --trace-verbose") 2) ]
