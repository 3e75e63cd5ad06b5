[ (builtins.mapAttrs (n: v: n + toString v) { b = 2; a = 1; }) (builtins.mapAttrs (n: v: v) { }) (builtins.attrNames (builtins.mapAttrs (n: v: throw "lazy") { x = 1; })) ]
