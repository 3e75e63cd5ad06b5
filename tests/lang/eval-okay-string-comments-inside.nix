# comment markers inside strings are plain text
[ "# not a comment" "/* not a comment */" ''# also not'' ]
