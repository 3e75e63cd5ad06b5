builtins.traceVerbose "message" (throw "the result is forced")
