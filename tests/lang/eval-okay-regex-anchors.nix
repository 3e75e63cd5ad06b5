# ^ and $ match only at the ends of the whole string, also while splitting.
[
  (builtins.match "x^a" "xa") (builtins.match "a$b" "ab") (builtins.match "a^" "a")
  (builtins.match "^^a$$" "a") (builtins.match "$" "") (builtins.match "^$" "")
  (builtins.split "^a" "aaa") (builtins.split "a$" "aaa") (builtins.split "^" "ab")
  (builtins.split "$" "ab")
]
