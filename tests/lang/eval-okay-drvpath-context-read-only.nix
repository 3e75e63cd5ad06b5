# A derivation made by a read-only evaluation, used through its drvPath (all outputs, so
# its output names are needed) by later ones: the paths are CppNix's (--read-write-mode).
let
  a = derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };
  b = derivation { name = "b"; system = "x86_64-linux"; builder = "/bin/sh"; dep = "${builtins.unsafeDiscardOutputDependency a.drvPath}"; all = a.drvPath; };
  c = derivation { name = "c"; system = "x86_64-linux"; builder = "/bin/sh"; x = b.drvPath; };
in [ c.drvPath b.drvPath (builtins.attrNames (builtins.getContext c.drvPath)) ]
