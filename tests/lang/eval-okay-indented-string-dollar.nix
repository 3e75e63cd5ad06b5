# a lone $ is literal; $${ is a literal "$${"
[ ''$x'' ''a$'' ''$${x}'' ''''${x}'' ]
