# Groups that do not take part are null; a repeated group keeps its last iteration.
let m = builtins.match; in [
  (m "(a)|b" "b") (m "((a)|b)*" "ab") (m "((a)|(b))+" "ab") (m "(a|b)*" "abab")
  (m "()" "") (m "()*" "") (m "(^a)" "a") (m "((((((((((a))))))))))" "a")
  (m "a||b" "") (m "a|" "") (m "(|a)" "a") (m "([^.]*)[.]?(.*)" "a.b")
  (m "(a)(b)?(c)" "ac")
]
