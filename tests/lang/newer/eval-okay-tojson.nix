[ (builtins.toJSON { b = [ 1 2.5 "s" null true ]; a = { c = "é\n\t\""; }; d = 1.0; e = 0.1; })
  (builtins.toJSON "\${}") (builtins.toJSON [ ]) (builtins.toJSON { }) (builtins.toJSON { outPath = "o"; }) (builtins.toJSON 1.0e-7) ]
