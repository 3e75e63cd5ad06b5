# `assertions` and `warnings`: checked when `system.build.toplevel` is
# evaluated (see system/activation/top-level.nix).
{ lib, ... }:
{
  options = {
    assertions = lib.mkOption {
      type = lib.types.listOf lib.types.unspecified;
      internal = true;
      default = [ ];
      example = [
        {
          assertion = false;
          message = "this configuration is rejected";
        }
      ];
      description = ''
        Conditions the configuration must meet: `{ assertion; message; }`
        records; building the system fails with every message whose
        assertion is false.
      '';
    };

    warnings = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      internal = true;
      default = [ ];
      example = [ "this option is obsolete" ];
      description = "Messages printed as evaluation warnings when the system is built.";
    };
  };
}
