# The pure entry point of the package set (cross.md §3.2).
#
# Elaborates the two platforms once, completes `config` with defaults, picks
# the bootstrapping stages and returns the final stage, unspliced.  Nothing
# here looks at the evaluating machine: stdlib/default.nix did that.
#
# Identity matters (cross.md §1.2): when there is nothing to cross to, the
# host platform *is* the value `localSystem` elaborated to, so that
# `stdenv.hostPlatform == stdenv.buildPlatform` holds by pointer equality.
{
  lib,
  localSystem,
  crossSystem ? localSystem,
  config ? { },
  overlays ? [ ],
  crossOverlays ? [ ],
  stdenvStages ? import ./stages.nix,
  ...
}@args:
let
  b = builtins;

  checkOverlays =
    name: xs:
    if !b.isList xs then
      b.throw "stdlib: the `${name}' argument must be a list of overlays (functions `final: prev: { … }'), but it is a ${b.typeOf xs}"
    else
      let
        bad = b.filter (i: !(lib.isFunction (b.elemAt xs i))) (b.genList (i: i) (b.length xs));
      in
      if bad != [ ] then
        b.throw "stdlib: every element of `${name}' must be an overlay function (`final: prev: { … }'); element ${toString (b.head bad)} is a ${b.typeOf (b.elemAt xs (b.head bad))}"
      else
        xs;

  checkedOverlays = checkOverlays "overlays" overlays;
  checkedCrossOverlays = checkOverlays "crossOverlays" crossOverlays;

  localPlatform = lib.systems.elaborate localSystem;
  crossPlatform =
    if crossSystem == null then
      localPlatform
    else
      let
        elaborated = lib.systems.elaborate crossSystem;
      in
      if lib.systems.equals elaborated localPlatform then localPlatform else elaborated;

  # `config` may be a function of the final package set.
  configDefaults = {
    allowAliases = true;
    allowUnfree = false;
    allowBroken = false;
    allowUnsupportedSystem = false;
    doCheckByDefault = false;
    strictDepsByDefault = false;
    configurePlatformsByDefault = false;
  };
  configValue = if lib.isFunction config then config { pkgs = finalStage; } else config;
  completedConfig =
    if b.isAttrs configValue then
      configDefaults // configValue
    else
      b.throw "stdlib: `config' must be an attribute set or a function `{ pkgs }: { … }', but it is a ${b.typeOf configValue}";

  # Re-instantiates the package set with some arguments changed; everything
  # else (overlays, crossOverlays, the raw config) is inherited.
  # `newArgs` may also be a function of the original arguments.
  nixpkgsFun = newArgs: import ./default.nix (args // (if lib.isFunction newArgs then newArgs args else newArgs));

  allPackages =
    stageArgs:
    import ./stage.nix (
      {
        inherit lib nixpkgsFun;
      }
      // stageArgs
    );

  # The overlay checks run before anything else, so that a wrong argument is
  # reported as such rather than as some later failure.
  finalStage = b.seq checkedOverlays (b.seq checkedCrossOverlays stages);
  stages = stdenvStages {
    inherit lib allPackages;
    localSystem = localPlatform;
    crossSystem = crossPlatform;
    config = completedConfig;
    overlays = checkedOverlays;
    crossOverlays = checkedCrossOverlays;
  };
in
finalStage
