# seq forces only to weak head normal form
[ (builtins.seq 1 2) (builtins.seq { a = throw "not forced"; } "ok") (builtins.seq [ (throw "not forced") ] "ok") ]
