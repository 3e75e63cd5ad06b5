# match must match the whole string; it returns the capture groups or null
[ (builtins.match "a(b)?c" "ac") (builtins.match "a" "ba") (builtins.match ".*" "") (builtins.match "([a-z]+)-([0-9]+)" "foo-123") (builtins.match "ab" "ab") (builtins.match "(a|b)*" "abab") ]
