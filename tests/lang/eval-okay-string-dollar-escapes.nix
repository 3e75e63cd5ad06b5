# `$${` is a literal "$${"; `\${` is a literal "${"; a lone `$` is just a dollar
[ "$${x}" "\${x}" "$$x" "$" "a$" "$ {x}" "$$" "${"$"}{" ]
