# "pre" is a component of its own and sorts before everything, even an empty component
[
  (builtins.splitVersion "1.0pre2") (builtins.splitVersion "2.3-pre-1")
  (builtins.compareVersions "1.0pre1" "1.0") (builtins.compareVersions "1.0" "1.0pre1") (builtins.compareVersions "1.0pre1" "1.0a")
  (builtins.compareVersions "1.0pre" "1.0.") (builtins.compareVersions "1.0pre2" "1.0pre10")
  (builtins.parseDrvName "hello-2.0pre3") (builtins.parseDrvName "pkg-pre-1")
]
