# Matching is on bytes: `.` and `[^a]` take one byte of a UTF-8 character; invalid
# UTF-8 (half a character) is fine.
let half = builtins.substring 0 1 "é"; in [
  (builtins.match "." "é") (builtins.match ".." "é") (builtins.match "[^a]" "é")
  (builtins.match "[^a]*" "é") (builtins.match "(é)" "é") (builtins.match "[é]*" "éé")
  (builtins.match "[[:alpha:]]" "é") (builtins.match "(.)" half)
  (builtins.length (builtins.split "" "é")) (builtins.split "é" "aéb")
  (builtins.stringLength (builtins.head (builtins.match "(.).*" "é")))
]
