[ (builtins.functionArgs ({ a, b ? 1, ... }: 1)) (builtins.functionArgs (x: 1)) (builtins.functionArgs ({ }: 1)) (builtins.functionArgs ({ a ? 1 }@x: x)) (builtins.functionArgs builtins.add) ]
