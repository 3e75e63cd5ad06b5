# Component rules of names.cc: `pre` first, the empty component before numbers, numbers
# after words, digit runs that overflow an int compare as words.
let c = builtins.compareVersions; in [
  (c "" "") (c "" "1") (c "1" "") (c "" "pre") (c "pre" "") (c "1.0" "1.0.")
  (c "1.0" "1-0") (c "1.0pre" "1.0") (c "1.0pre1" "1.0pre2") (c "1.0pre" "1.0a")
  (c "1.0a" "1.0") (c "1.0a" "1.0b") (c "1.0.0" "1.0") (c "1.01" "1.1")
  (c "1.99999999999" "1.2") (c "1.2147483647" "1.2147483648") (c "2147483647" "2147483646")
  (c "1.0rc1" "1.0") (c "1.0-rc1" "1.0.1") (c "a" "B") (c "é" "e") (c "1..2" "1.2")
  (c "unstable-2021-01-01" "unstable-2021-01-02") (c "0.12pre12876" "0.12")
]
