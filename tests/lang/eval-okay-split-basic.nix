# split returns the non-matching parts interleaved with lists of capture groups
[ (builtins.split "," "a,b,,c") (builtins.split "(a)|b" "xaybz") (builtins.split "x" "") (builtins.split "(a)(b)?" "ac") (builtins.split "[[:space:]]+" " a  b ") ]
