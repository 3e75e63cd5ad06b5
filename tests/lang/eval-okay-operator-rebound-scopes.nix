[ (with { __sub = a: b: "w"; }; 5 - 3) (({ __sub }: 5 - 3) { __sub = a: b: "arg"; }) (rec { __sub = a: b: "rec"; r = 5 - 3; }.r) ]
