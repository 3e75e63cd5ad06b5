# Splicing (cross.md §6): the set `callPackage` draws from in a stage that
# does not build itself.
#
# For every name in any of the six package sets, the spliced value is the
# "default" variant (priority hostTarget > buildHost > targetTarget >
# hostHost > buildTarget > buildBuild) with, for a derivation,
#
#   __spliced = { buildBuild = …; buildHost = …; buildTarget = …;
#                 hostHost = …; hostTarget = …; targetTarget = …; }
#
# restricted to the sets that have the name, and each of its outputs spliced
# the same way (so `zlib.dev.__spliced.buildHost` is `buildPackages.zlib.dev`).
# A variant that fails to evaluate contributes no outputs instead of breaking
# the splice (tryEval).  A plain attribute set is spliced recursively;
# anything else (functions, strings) is the default value unchanged.  The
# package sets themselves are re-exported unspliced.
#
# mkDerivation then picks, per dependency list, the variant it needs.
{ lib, adjacentPackages }:
final: prev:
let
  b = builtins;
  actuallySplice = adjacentPackages != null;

  setNames = [
    "pkgsBuildBuild"
    "pkgsBuildHost"
    "pkgsBuildTarget"
    "pkgsHostHost"
    "pkgsHostTarget"
    "pkgsTargetTarget"
  ];
  keyOf = {
    pkgsBuildBuild = "buildBuild";
    pkgsBuildHost = "buildHost";
    pkgsBuildTarget = "buildTarget";
    pkgsHostHost = "hostHost";
    pkgsHostTarget = "hostTarget";
    pkgsTargetTarget = "targetTarget";
  };

  outputsOf = value: lib.genAttrs (value.outputs or (lib.optional (value ? out) "out")) (output: value.${output});
  outputsOrNothing =
    value:
    let
      tried = b.tryEval (lib.isDerivation value && b.isList (value.outputs or [ "out" ]));
    in
    if tried.success && tried.value then outputsOf value else { };

  # A nested set of another package set, or nothing if it is not a set there.
  attrsOrNothing =
    value:
    let
      tried = b.tryEval (b.isAttrs value);
    in
    if tried.success && tried.value then value else { };

  spliceReal =
    sets:
    let
      # Later sets win: this is the priority order of the default variant.
      union =
        sets.pkgsBuildBuild
        // sets.pkgsBuildTarget
        // sets.pkgsHostHost
        // sets.pkgsTargetTarget
        // sets.pkgsBuildHost
        // sets.pkgsHostTarget;
      merge =
        name: default:
        let
          variant = setName: sets.${setName}.${name} or { };
          spliced = lib.listToAttrs (
            map (setName: lib.nameValuePair keyOf.${setName} (variant setName)) (
              b.filter (setName: sets.${setName} ? ${name}) setNames
            )
          );
        in
        if lib.isDerivation default then
          default
          // { __spliced = spliced; }
          // spliceReal {
            pkgsBuildBuild = outputsOrNothing (variant "pkgsBuildBuild");
            pkgsBuildHost = outputsOrNothing (variant "pkgsBuildHost");
            pkgsBuildTarget = outputsOrNothing (variant "pkgsBuildTarget");
            pkgsHostHost = outputsOrNothing (variant "pkgsHostHost");
            pkgsHostTarget = outputsOf (variant "pkgsHostTarget");
            pkgsTargetTarget = outputsOrNothing (variant "pkgsTargetTarget");
          }
        else if b.isAttrs default then
          spliceReal (
            lib.genAttrs setNames (setName: attrsOrNothing (variant setName))
          )
        else
          default;
    in
    b.mapAttrs merge union;

  /**
    Splices six package sets (`{ pkgsBuildBuild; …; pkgsTargetTarget; }`);
    in a stage that builds itself, returns `pkgsHostTarget` unchanged.
  */
  splicePackages = sets: if actuallySplice then spliceReal sets else sets.pkgsHostTarget;

  splicedPackages =
    if actuallySplice then
      splicePackages {
        inherit (final)
          pkgsBuildBuild
          pkgsBuildHost
          pkgsBuildTarget
          pkgsHostHost
          pkgsHostTarget
          pkgsTargetTarget
          ;
      }
      // {
        # Never spliced: the package sets and the platforms.
        inherit (final)
          pkgsBuildBuild
          pkgsBuildHost
          pkgsBuildTarget
          pkgsHostHost
          pkgsHostTarget
          pkgsTargetTarget
          buildPackages
          pkgs
          targetPackages
          buildPlatform
          hostPlatform
          targetPlatform
          ;
      }
    else
      final;

  # The same attribute path in each of the six sets, for nested scopes.
  generateSplicesForMkScope =
    attrs:
    let
      path = lib.toList attrs;
      at = set: lib.attrByPath path { } set;
    in
    {
      selfBuildBuild = at final.pkgsBuildBuild;
      selfBuildHost = at final.pkgsBuildHost;
      selfBuildTarget = at final.pkgsBuildTarget;
      selfHostHost = at final.pkgsHostHost;
      selfTargetTarget = at final.pkgsTargetTarget;
    };

  # A package scope (like lib.makeScope) whose `callPackage` splices the
  # scope's own packages with the same scope taken from the other five sets.
  makeScopeWithSplicing' =
    {
      otherSplices,
      extra ? (_spliced: { }),
      keep ? (_self: { }),
      f,
    }:
    let
      spliced0 = splicePackages {
        pkgsBuildBuild = otherSplices.selfBuildBuild;
        pkgsBuildHost = otherSplices.selfBuildHost;
        pkgsBuildTarget = otherSplices.selfBuildTarget;
        pkgsHostHost = otherSplices.selfHostHost;
        pkgsHostTarget = self;
        pkgsTargetTarget = otherSplices.selfTargetTarget;
      };
      spliced = extra spliced0 // spliced0 // keep self;
      self = f self // {
        newScope = scope: newScope (spliced // scope);
        callPackage = newScope spliced;
        overrideScope =
          g:
          makeScopeWithSplicing' {
            inherit otherSplices keep extra;
            f = lib.extends g f;
          };
        packages = f;
      };
    in
    self;

  newScope = extra: lib.callPackageWith (splicedPackages // extra);
in
{
  inherit
    splicePackages
    newScope
    generateSplicesForMkScope
    makeScopeWithSplicing'
    ;
  __splicedPackages = splicedPackages;
  callPackage = newScope { };
  callPackages = lib.callPackagesWith splicedPackages;
  makeScope = lib.makeScope;
}
