# One stage: the fixed point of a stack of layers (cross.md §4.3).
#
#   1. platforms and the six package sets (`pkgsBuildBuild` … `pkgsTargetTarget`,
#      with the aliases `buildPackages`, `pkgs`, `targetPackages`)
#   2. splicing: `callPackage`, `newScope`, `__splicedPackages` (splice.nix)
#   3. the packages (all-packages.nix, then by-name/)
#   4. other package sets: `pkgsCross.*`, `pkgsMusl`, … (cross.nix)
#   5. aliases (when `config.allowAliases`)
#   6. `config.packageOverrides` (when this stage allows custom overrides)
#   7. the user's overlays, in order
#   8. the stdenv's own `overrides`
#
# `adjacentPackages` is null for a stage that builds itself (every native
# stage, S0): then all six sets are the stage itself and nothing is spliced.
{
  lib,
  nixpkgsFun,
  stdenv,
  overlays,
  config,
  adjacentPackages ? null,
  allowCustomOverrides ? false,
  ...
}:
let
  b = builtins;

  platformsAndSets =
    final: prev:
    let
      from =
        name: (if adjacentPackages == null then final else adjacentPackages.${name}) // { recurseForDerivations = false; };
    in
    {
      inherit lib config stdenv;
      inherit (stdenv) buildPlatform hostPlatform targetPlatform;

      pkgsBuildBuild = from "pkgsBuildBuild";
      pkgsBuildHost = from "pkgsBuildHost";
      pkgsBuildTarget = from "pkgsBuildTarget";
      pkgsHostHost = from "pkgsHostHost";
      pkgsHostTarget = final // { recurseForDerivations = false; };
      pkgsTargetTarget = from "pkgsTargetTarget";

      buildPackages = final.pkgsBuildHost;
      pkgs = final.pkgsHostTarget;
      targetPackages = final.pkgsTargetTarget;
    };

  splice = import ./splice.nix { inherit lib adjacentPackages; };

  allPackages = import ./all-packages.nix { inherit lib config; };

  byName = import ../by-name { inherit lib; };

  otherPackageSets = import ./cross.nix { inherit lib nixpkgsFun; };

  aliases = final: prev: lib.optionalAttrs (config.allowAliases or true) (import ./aliases.nix { inherit lib; } final prev);

  configOverrides =
    final: prev: lib.optionalAttrs allowCustomOverrides ((config.packageOverrides or (_: { })) prev);

  stdenvOverrides = final: prev: (prev.stdenv.overrides or (_: _: { })) final prev;

  layers = [
    platformsAndSets
    splice
    allPackages
    byName
    otherPackageSets
    aliases
    configOverrides
  ]
  ++ overlays
  ++ [ stdenvOverrides ];

  toFix = b.foldl' (lib.flip lib.extends) (_: { }) layers;
in
lib.fix toFix
