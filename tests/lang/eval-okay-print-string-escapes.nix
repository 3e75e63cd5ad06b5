# printing escapes " \ newline CR tab and ${; a lone $ or $$ stays as is
[ "quote\"" "back\\slash" "new\nline" "cr\r" "tab\t" "\${x}" "$" "$$" "a$" "${"$"}{" "$${" ]
