# Stacked quantifiers nest (`a**` is `(a*)*`, `a*?` is not lazy); intervals.
let m = builtins.match; in [
  (m "a**" "aa") (m "a*?" "aa") (m "a+?" "a") (m "a?*" "a")
  (m "a{2,}" "aaa") (m "a{2,}" "a") (m "a{1}{2}" "aa") (m "a{2}{3}" "aaaaaa")
  (m "a{01}" "a") (m "a{0}" "") (m "a{0,0}" "") (m "(a){0}" "") (m "(a){0}(b)" "b")
  (m "a{1,3}" "aaa") (m "a{1,3}" "aaaa") (m "(a){2}" "aa")
  (m "(a*)(a*)" "aaa") (m "(ab|a)(bc|c)" "abc") (m "(a|ab)(bc|c)" "abc")
  (m "(a|ab)(c|bcd)?(d*)" "abcd")
]
