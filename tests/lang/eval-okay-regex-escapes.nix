# Outside brackets a backslash escapes exactly .[\()*+?{|^$; `]` and `}` need no escape.
let m = builtins.match; in [
  (m "\\." ".") (m "\\." "a") (m "\\[" "[") (m "\\\\" "\\") (m "\\(a\\)" "(a)")
  (m "\\*\\+\\?" "*+?") (m "\\{" "{") (m "\\|" "|") (m "\\^" "^") (m "\\$" "$")
  (m "a]" "a]") (m "a}" "a}") (m "a.b" "a\nb") (m "a.b" "a.b")
]
