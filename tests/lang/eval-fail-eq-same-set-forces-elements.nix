let x = { foo = throw "foo"; }; in x == x
