# \n \r \t \\ \" \$ are escapes; any other escaped char is just that char
[ "a\nb" "a\rb" "a\tb" "a\\b" "a\"b" "a\$b" "\q\z\0\a" "\
" ]
