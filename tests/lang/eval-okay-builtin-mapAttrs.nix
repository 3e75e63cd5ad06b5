[ (builtins.mapAttrs (name: value: name + toString value) { b = 2; a = 1; }) (builtins.mapAttrs (n: v: throw "lazy") { }) (builtins.attrNames (builtins.mapAttrs (n: v: throw "lazy") { x = 1; })) ]
