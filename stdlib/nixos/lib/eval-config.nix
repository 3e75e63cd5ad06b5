# NixOS-lite: evaluate a system configuration (cross.md §11.6).
#
# `lib.nixosSystem args` calls this with `{ lib; system = null; } // args`.
# The result is the `lib.evalModules` result plus `pkgs` (the module argument
# `pkgs`, i.e. `config._module.args.pkgs`), `lib`, and an `extendModules`
# that keeps these extras.
{
  # The build system, used as `nixpkgs.system` (at mkDefault priority).
  # null leaves `nixpkgs.system` to the modules.
  system ? builtins.currentSystem,
  # A package set to use instead of instantiating one (`nixpkgs.pkgs`).
  pkgs ? null,
  baseModules ? import ../modules/module-list.nix,
  extraModules ? [ ],
  modules,
  specialArgs ? { },
  prefix ? [ ],
  lib ? import ../../lib,
  # The package-set entry: a path to import or a function, called with
  # `{ localSystem; crossSystem; config; overlays; }` (cross.md §3).
  pkgsPath ? ../..,
  # Old-style extra module arguments (`_module.args`).
  extraArgs ? { },
}:
let
  pkgsModule = {
    _file = toString ./eval-config.nix;
    key = toString ./eval-config.nix;
    config = lib.mkMerge (
      lib.optional (pkgsPath != ../..) { nixpkgs.entryPoint = lib.mkDefault pkgsPath; }
      ++ lib.optional (system != null) { nixpkgs.system = lib.mkDefault system; }
      ++ lib.optional (pkgs != null) { nixpkgs.pkgs = pkgs; }
      ++ lib.optional (extraArgs != { }) { _module.args = extraArgs; }
    );
  };

  evaluated = lib.evalModules {
    inherit prefix;
    class = "nixos";
    modules = baseModules ++ extraModules ++ modules ++ [ pkgsModule ];
    specialArgs = {
      modulesPath = toString ../modules;
      inherit baseModules extraModules modules;
    } // specialArgs;
  };

  withExtras =
    configuration:
    configuration
    // {
      inherit lib;
      pkgs = configuration._module.args.pkgs;
      extendModules = args: withExtras (configuration.extendModules args);
    };
in
withExtras evaluated
