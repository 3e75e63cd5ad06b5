let k = "b"; in { a.${k}.c = 1; a.d = 2; }
