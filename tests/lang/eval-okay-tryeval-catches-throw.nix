[ (builtins.tryEval (throw "x")) (builtins.tryEval 1) (builtins.tryEval (throw "x" + abort "never")) (builtins.tryEval "ok") ]
