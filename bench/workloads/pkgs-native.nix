# The stdlib package set, natively: instantiate the small packages and their stdenv.
let
  pkgs = import ../../stdlib { localSystem = "x86_64-linux"; };
in
builtins.length (builtins.filter builtins.isString (map (p: p.drvPath) [ pkgs.hello pkgs.greeter pkgs.gentable pkgs.stdenv pkgs.pkgsi686Linux.hello pkgs.pkgsStatic.hello ]))
