# at each position the first matching pattern in the list wins; replaced text is not rescanned
[ (builtins.replaceStrings [ "a" "ab" ] [ "1" "2" ] "abab") (builtins.replaceStrings [ "ab" "a" ] [ "1" "2" ] "abab") (builtins.replaceStrings [ "a" ] [ "aa" ] "aa") ]
