[ (builtins ? add) (builtins ? map) (builtins ? noSuchBuiltin) (builtins ? builtins) (builtins.typeOf builtins) (builtins.builtins ? length) ]
