# split walks like std::regex_iterator: an empty match may follow a non-empty one.
[
  (builtins.split "x*" "axb") (builtins.split "" "ab") (builtins.split "x*" "")
  (builtins.split "b*" "abc") (builtins.split "(b)*" "abbc") (builtins.split "(a*)" "baac")
  (builtins.split "([[:space:]]*)" "a b") (builtins.split "x" "") (builtins.split "y" "abc")
]
