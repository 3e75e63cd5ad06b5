# Version strings of the system (`system.nixos.*`) and `system.stateVersion`.
{ config, lib, ... }:
let
  cfg = config.system.nixos;
  inherit (lib) mkOption types;
in
{
  options.system = {
    nixos.release = mkOption {
      type = types.str;
      readOnly = true;
      default = lib.trivial.release;
      description = "The release of this NixOS-lite, such as \"26.11\".";
    };
    nixos.codeName = mkOption {
      type = types.str;
      readOnly = true;
      default = lib.trivial.codeName;
      description = "The code name of the release.";
    };
    nixos.versionSuffix = mkOption {
      type = types.str;
      internal = true;
      default = lib.trivial.versionSuffix;
      description = "Appended to the release to form the version.";
    };
    nixos.version = mkOption {
      type = types.str;
      internal = true;
      default = cfg.release + cfg.versionSuffix;
      description = "The full version: release and suffix.";
    };
    nixos.tags = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "with-xen" ];
      description = "Words put before the version in the system label.";
    };
    nixos.label = mkOption {
      type = types.strMatching "[a-zA-Z0-9:_.+-]*";
      default = lib.concatStringsSep "-" (builtins.sort (x: y: x < y) cfg.tags ++ [ cfg.version ]);
      description = "The label of the system, part of the name of `system.build.toplevel`.";
    };
    stateVersion = mkOption {
      type = types.str;
      default = cfg.release;
      description = ''
        The release whose defaults for stateful data this system keeps.
      '';
    };
  };
}
