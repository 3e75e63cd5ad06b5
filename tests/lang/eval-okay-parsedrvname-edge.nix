# The version starts after the first dash that is followed by a non-letter (ASCII rules).
map builtins.parseDrvName [
  "foo-" "-1" "-" "" "foo-é" "foo-_bar" "foo--1" "foo-Bar-1.0" "perl5.36.0-Foo-1.0"
  "hello-2.10-1" "a-b-c" "x-1-y-2" "name-.1"
]
