# groups that take no part in the match are null, in match and in split alike
[
  (builtins.match "(a)|(b)" "b") (builtins.match "(x)?(y)" "y") (builtins.match "((a)|b)+" "ab")
  (builtins.split "(a)|(b)" "xaybz") (builtins.split "(c)?d" "dcd")
]
