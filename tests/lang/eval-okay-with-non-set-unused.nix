# the `with` expression is only evaluated when a variable is looked up through it
with 1; with (throw "never"); 2
