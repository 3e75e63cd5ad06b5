# without an error the context is not even evaluated
[ (builtins.addErrorContext "unused context" 1) (builtins.addErrorContext (throw "never forced") "value") ]
