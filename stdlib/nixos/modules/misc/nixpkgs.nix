# The `nixpkgs.*` options: which package set the system is built from
# (cross.md §11.6), and the module argument `pkgs`.
#
# Two ways to name the platforms:
# * `nixpkgs.hostPlatform` (and optionally `nixpkgs.buildPlatform`), the
#   current way;
# * the legacy `nixpkgs.localSystem` / `nixpkgs.crossSystem`, with
#   `nixpkgs.system` as the default of `localSystem`.
# Mixing them is an assertion failure (checked with `system.build.toplevel`).
# `nixpkgs.pkgs` replaces the instantiation altogether; `nixpkgs.overlays`
# are then appended to it.
{
  config,
  options,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.nixpkgs;
  opt = options.nixpkgs;
  inherit (lib) mkOption types;

  # Priority of an option's own default: anything lower was defined by a module.
  defaultPrio = (lib.mkOptionDefault null).priority;
  definedByUser = o: o.highestPrio < defaultPrio;

  callIfFunction = f: arg: if lib.isFunction f then f arg else f;

  # Package-set configuration: attribute sets, or functions of `{ pkgs }`
  # (called with the final module argument `pkgs`), merged recursively;
  # `packageOverrides` of several definitions are composed.
  mergeConfig =
    lhs': rhs':
    let
      lhs = callIfFunction lhs' { inherit pkgs; };
      rhs = callIfFunction rhs' { inherit pkgs; };
    in
    lib.recursiveUpdate lhs rhs
    // lib.optionalAttrs (lhs ? packageOverrides) {
      packageOverrides =
        p: callIfFunction lhs.packageOverrides p // callIfFunction (rhs.packageOverrides or { }) p;
    };

  configType = lib.mkOptionType {
    name = "nixpkgs-config";
    description = "nixpkgs config";
    descriptionClass = "noun";
    check = x: builtins.isAttrs x || lib.isFunction x;
    merge = loc: defs: lib.foldr (def: acc: mergeConfig def.value acc) { } defs;
  };

  overlayType = lib.mkOptionType {
    name = "nixpkgs-overlay";
    description = "nixpkgs overlay";
    descriptionClass = "noun";
    check = lib.isFunction;
    merge = lib.mergeOneOption;
  };

  entry = if lib.isFunction cfg.entryPoint then cfg.entryPoint else import cfg.entryPoint;

  instantiated =
    if opt.hostPlatform.isDefined then
      let
        # Same value when equal (see buildPlatform's apply), so this is `false`
        # for a native system.
        isCross = cfg.buildPlatform != cfg.hostPlatform;
      in
      entry (
        {
          inherit (cfg) config overlays;
        }
        // (
          if isCross then
            {
              localSystem = cfg.buildPlatform;
              crossSystem = cfg.hostPlatform;
            }
          else
            { localSystem = cfg.hostPlatform; }
        )
      )
    else
      entry {
        inherit (cfg)
          config
          overlays
          localSystem
          crossSystem
          ;
      };

  finalPkgs = if opt.pkgs.isDefined then cfg.pkgs.appendOverlays cfg.overlays else instantiated;

  legacyDefined = definedByUser opt.localSystem || definedByUser opt.crossSystem;

  expectedSystem =
    if cfg.crossSystem != null then (lib.systems.elaborate cfg.crossSystem).system else cfg.localSystem.system;
in
{
  options.nixpkgs = {
    pkgs = mkOption {
      type = types.pkgs;
      example = lib.literalExpression "import <nixpkgs> { }";
      description = ''
        A package set to use instead of instantiating one from the other
        `nixpkgs.*` options; `nixpkgs.overlays` are appended to it and
        `nixpkgs.config` must not be set.
      '';
    };

    config = mkOption {
      type = configType;
      default = { };
      example = lib.literalExpression "{ allowUnfree = true; }";
      description = ''
        Configuration of the package set (an attribute set, or a function
        from `{ pkgs }` to one). Definitions are merged recursively.
      '';
    };

    overlays = mkOption {
      type = types.listOf overlayType;
      default = [ ];
      example = lib.literalExpression "[ (final: prev: { gcc = final.gcc12; }) ]";
      description = ''
        Overlays applied to the package set. Definitions are concatenated
        in module order (the last module's overlays come first).
      '';
    };

    hostPlatform = mkOption {
      type = types.either types.str types.attrs;
      example = "aarch64-linux";
      apply = lib.systems.elaborate;
      description = ''
        The platform the system runs on. Setting it selects the
        `hostPlatform`/`buildPlatform` way of choosing the package set; the
        legacy `localSystem`/`crossSystem` must then stay unset.
      '';
    };

    buildPlatform = mkOption {
      type = types.either types.str types.attrs;
      default = cfg.hostPlatform;
      defaultText = lib.literalExpression "config.nixpkgs.hostPlatform";
      example = "x86_64-linux";
      apply =
        p:
        let
          elaborated = lib.systems.elaborate p;
        in
        # Reuse the host platform value itself when they are equal, so the
        # package set sees a native build (`==` holds by identity).
        if lib.systems.equals elaborated cfg.hostPlatform then cfg.hostPlatform else elaborated;
      description = ''
        The platform the system is built on; a value different from
        `hostPlatform` makes a cross-compiled system.
      '';
    };

    localSystem = mkOption {
      type = types.attrs;
      default = { inherit (cfg) system; };
      defaultText = lib.literalExpression "{ inherit (config.nixpkgs) system; }";
      example = lib.literalExpression ''{ system = "aarch64-linux"; }'';
      apply = lib.systems.elaborate;
      description = ''
        Legacy: the platform the package set is built on (and, without
        `crossSystem`, runs on).
      '';
    };

    crossSystem = mkOption {
      type = types.nullOr types.attrs;
      default = null;
      example = lib.literalExpression ''{ config = "riscv64-unknown-linux-gnu"; }'';
      description = ''
        Legacy: the platform the system runs on when it differs from
        `localSystem`; null for a native system.
      '';
    };

    system = mkOption {
      type = types.str;
      example = "x86_64-linux";
      default =
        if opt.hostPlatform.isDefined then
          throw "nixpkgs.system is not meant to be read when nixpkgs.hostPlatform is set; use pkgs.stdenv.hostPlatform."
        else
          throw "Neither nixpkgs.hostPlatform nor the legacy nixpkgs.system is set; set nixpkgs.hostPlatform (or pass `system' to nixosSystem).";
      defaultText = lib.literalExpression "throws unless set";
      description = ''
        Legacy: the system double the package set is built for, the
        default of `nixpkgs.localSystem`. `nixosSystem { system = …; }` sets
        it at mkDefault priority.
      '';
    };

    entryPoint = mkOption {
      type = types.raw;
      default = ../../..;
      internal = true;
      description = ''
        The package-set entry point: a path to import, or a function, called
        with `{ localSystem; crossSystem; config; overlays; }`.
      '';
    };
  };

  config = {
    _module.args.pkgs = lib.mkOverride lib.modules.defaultOverridePriority (
      finalPkgs.__splicedPackages or finalPkgs
    );

    assertions = [
      {
        assertion = !(opt.hostPlatform.isDefined && legacyDefined);
        message = ''
          nixpkgs.hostPlatform is set, so the legacy options nixpkgs.localSystem and nixpkgs.crossSystem must not be (they are defined in ${
            lib.showFiles (
              lib.optionals (definedByUser opt.localSystem) opt.localSystem.files
              ++ lib.optionals (definedByUser opt.crossSystem) opt.crossSystem.files
            )
          }). Use nixpkgs.buildPlatform for the build platform instead.'';
      }
      {
        assertion = !(opt.pkgs.isDefined && definedByUser opt.config);
        message = "nixpkgs.config cannot be set together with nixpkgs.pkgs (defined in ${lib.showFiles opt.config.files}); configure the package set given to nixpkgs.pkgs instead.";
      }
      {
        assertion =
          !(opt.pkgs.isDefined && !opt.hostPlatform.isDefined && (legacyDefined || definedByUser opt.system))
          || expectedSystem == finalPkgs.stdenv.targetPlatform.system;
        message = "nixpkgs.pkgs is a package set for ${finalPkgs.stdenv.targetPlatform.system}, but the system is configured for ${expectedSystem} by the legacy nixpkgs.system/localSystem/crossSystem options.";
      }
    ];
  };
}
