# `environment.systemPackages`: the packages of the system profile.
{ lib, ... }:
{
  options.environment.systemPackages = lib.mkOption {
    type = lib.types.listOf lib.types.package;
    default = [ ];
    example = lib.literalExpression "[ pkgs.hello ]";
    description = "Packages installed in the system profile.";
  };
}
