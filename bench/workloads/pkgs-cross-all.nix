# The stdlib package set: `pkgsCross.<every example>.hello.drvPath` in one evaluation
# (88 cross package sets, each with its bootstrap stages and splicing).
let
  pkgs = import ../../stdlib { localSystem = "x86_64-linux"; };
  drvPath = name:
    let r = builtins.tryEval pkgs.pkgsCross.${name}.hello.drvPath;
    in if r.success then r.value else "";
in
builtins.length (builtins.filter (p: p != "") (map drvPath (builtins.attrNames pkgs.pkgsCross)))
