# `environment.systemPackages`: the packages of the system profile, which
# always include the `requiredPackages` (a shell and the core utilities,
# built for the system's host platform) where the package set has them.
{ lib, pkgs, ... }:
let
  requiredPackages = builtins.filter (p: p != null) [
    (pkgs.bash or null)
    (pkgs.coreutils or null)
  ];
in
{
  options.environment.systemPackages = lib.mkOption {
    type = lib.types.listOf lib.types.package;
    default = [ ];
    example = lib.literalExpression "[ pkgs.hello ]";
    description = "Packages installed in the system profile.";
  };

  config.environment.systemPackages = requiredPackages;
}
