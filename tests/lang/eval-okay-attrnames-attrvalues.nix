# attrNames and attrValues are ordered by attribute name
let s = { b = 2; a = 1; C = 3; "_" = 4; }; in [ (builtins.attrNames s) (builtins.attrValues s) (builtins.attrNames { }) ]
