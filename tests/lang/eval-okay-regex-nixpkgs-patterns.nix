# Patterns in the style of nixpkgs' lib.systems.parse, lib.versions and lib.strings.
let
  m = builtins.match;
in [
  (m "([^-]*)-([^-]*)-(.*)" "x86_64-unknown-linux-gnu")
  (m "([^-]*)-([^-]*)-(.*)" "aarch64-linux")
  (m "(.*)e?abi.*" "gnueabihf")
  (m "(.*)e?abi.*" "musleabi")
  (m "(.*)e?abi.*" "gnu")
  (m "[0-9]+" "123")
  (m "[0-9]+" "12a")
  (m "([0-9]+)\\.([0-9]+).*" "2.31.1")
  (m "([^.]*)\\.?.*" "2")
  (m "(aarch64|arm64|armv7l|x86_64|i686)-(.*)" "x86_64-linux")
  (m ".*-(darwin|linux|freebsd)(.*)" "x86_64-unknown-linux-gnu")
  (m "(.*)-([^-]+)" "hello-world-2.1")
  (m "[[:space:]]*([^[:space:]].*[^[:space:]])[[:space:]]*" "  hi there  ")
  (m "^([^/]*)/(.*)$" "a/b/c")
  (m "[a-zA-Z_][a-zA-Z0-9_'-]*" "foo'-bar")
  (m "[[:alpha:]][[:alnum:]+._?=-]*" "lib.foo")
  (builtins.split "[0-9]+" "a1b22c")
  (builtins.split "/" "/a/b/")
  (builtins.split "\n" "line1\nline2\n")
  (builtins.split "(\\$\\{[^}]*})" "x \${a} y \${b}")
]
