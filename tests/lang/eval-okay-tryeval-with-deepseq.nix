# combine with deepSeq to catch errors deep inside a value
let v = { a = [ (throw "deep") ]; }; in (builtins.tryEval (builtins.deepSeq v v)).success
