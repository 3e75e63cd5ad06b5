# `networking.hostName`.
{ lib, ... }:
{
  options.networking.hostName = lib.mkOption {
    type = lib.types.strMatching "([[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?)?";
    default = "nixos";
    description = "The host name of the machine; also names the system derivation.";
  };
}
