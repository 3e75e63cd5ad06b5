let s = { a = { b = 1; }; "x y" = 2; }; k = "a"; in [ s.${k}.b s."x y" s.${"x" + " y"} (s.${k}.c or 3) ]
