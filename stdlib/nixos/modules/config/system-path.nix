# `environment.systemPackages`: the packages of the system profile, which
# always include the `requiredPackages` (a shell and the core utilities,
# built for the system's host platform).
{ lib, pkgs, ... }:
let
  requiredPackages = [
    pkgs.bash
    pkgs.coreutils
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
