builtins.replaceStrings [ "a" ] [ "b" "c" ] "a"
