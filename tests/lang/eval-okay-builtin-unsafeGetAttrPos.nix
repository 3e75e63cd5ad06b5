# the position of the attribute's name; null when the attribute is missing
let
  s = { a = 1;
    "b c" = 2; };
  pos = name: let p = builtins.unsafeGetAttrPos name s; in if p == null then null else p // { file = baseNameOf p.file; };
in [ (pos "a") (pos "b c") (pos "missing") ]
