let
  d = derivation { name = "deps"; system = "x86_64-linux"; builder = "/bin/sh"; };
  plain = builtins.unsafeDiscardOutputDependency d.drvPath;
in
[
  (builtins.getContext plain)
  (builtins.getContext (builtins.addDrvOutputDependencies plain))
  (builtins.addDrvOutputDependencies plain == d.drvPath)
  (builtins.addDrvOutputDependencies d.drvPath == d.drvPath)
]
