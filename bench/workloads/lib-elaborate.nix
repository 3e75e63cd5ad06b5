# lib.systems: elaborate every example platform and force every field (predicates,
# parsed components, extensions…), as package sets do when they are instantiated.
let
  lib = import ../../stdlib/lib;
  platforms = lib.mapAttrs (_: lib.systems.elaborate) lib.systems.examples;
  forced = lib.mapAttrs (_: p: builtins.deepSeq p._withoutFunctions p.config) platforms;
in
builtins.length (builtins.attrValues forced)
  + builtins.length (builtins.filter (p: p.isLinux) (builtins.attrValues platforms))
