1 + /* unterminated comment
