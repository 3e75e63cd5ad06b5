# an empty pattern matches at every position, including the end
[ (builtins.replaceStrings [ "" ] [ "X" ] "abc") (builtins.replaceStrings [ "" ] [ "X" ] "") (builtins.replaceStrings [ "" "a" ] [ "-" "A" ] "ab") ]
