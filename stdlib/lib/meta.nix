# Helpers for a derivation's `meta`: priorities, names, platform checks and
# the main executable.
{ lib }:
let
  b = builtins;

  addMetaAttrs = newAttrs: drv: drv // { meta = (drv.meta or { }) // newAttrs; };

  setPrio = priority: addMetaAttrs { inherit priority; };

  mapDerivationAttrset =
    f: set: b.mapAttrs (_: pkg: if lib.attrsets.isDerivation pkg then f pkg else pkg) set;

  updateName = updater: drv: drv // { name = updater drv.name; };

  platformMatch =
    platform: elem:
    if b.isString elem then
      platform ? system && elem == platform.system
    else
      lib.attrsets.matchAttrs (if elem ? parsed then elem else { parsed = elem; }) platform;

  getExe' =
    x: y:
    assert lib.asserts.assertMsg (lib.attrsets.isDerivation x)
      "getExe': the first argument is a ${b.typeOf x}, not a derivation";
    assert lib.asserts.assertMsg (b.isString y) "getExe': the program name must be a string";
    assert lib.asserts.assertMsg (b.match ".*/.*" y == null)
      "getExe': the program name ${b.toJSON y} must not contain a slash";
    "${lib.attrsets.getBin x}/bin/${y}";
in
{
  /**
    Merges `newAttrs` into the derivation's `meta`.

    # Example
    ```nix
    (addMetaAttrs { description = "x"; } { meta.license = "mit"; }).meta
    => { description = "x"; license = "mit"; }
    ```
  */
  inherit addMetaAttrs;

  /**
    Keeps Hydra from distributing the package (`meta.hydraPlatforms = [ ]`).
  */
  dontDistribute = addMetaAttrs { hydraPlatforms = [ ]; };

  /**
    Replaces the derivation's `name`.

    # Example
    ```nix
    (setName "foo-1.0" { name = "bar"; }).name
    => "foo-1.0"
    ```
  */
  setName = name: drv: drv // { inherit name; };

  /**
    Replaces the derivation's `name` with `updater name`.

    # Example
    ```nix
    (updateName (n: n + "-x") { name = "foo"; }).name
    => "foo-x"
    ```
  */
  inherit updateName;

  /**
    Inserts `-suffix` between the package name and its version.

    # Example
    ```nix
    (appendToName "static" { name = "zlib-1.3"; }).name
    => "zlib-static-1.3"
    ```
  */
  appendToName =
    suffix:
    updateName (
      name:
      let
        parsed = b.parseDrvName name;
      in
      "${parsed.name}-${suffix}-${parsed.version}"
    );

  /**
    Applies `f` to every derivation of an attribute set, leaving other values alone.
  */
  inherit mapDerivationAttrset;

  /**
    Sets `meta.priority` (lower numbers win in `nix-env` conflicts).
  */
  inherit setPrio;

  /**
    Gives a package low priority (`meta.priority = 10`).

    # Example
    ```nix
    (lowPrio { }).meta.priority
    => 10
    ```
  */
  lowPrio = setPrio 10;

  /**
    `lowPrio` applied to every derivation of a set.
  */
  lowPrioSet = mapDerivationAttrset (setPrio 10);

  /**
    Gives a package high priority (`meta.priority = -10`).

    # Example
    ```nix
    (hiPrio { }).meta.priority
    => -10
    ```
  */
  hiPrio = setPrio (-10);

  /**
    `hiPrio` applied to every derivation of a set.
  */
  hiPrioSet = mapDerivationAttrset (setPrio (-10));

  /**
    True if a `meta.platforms` element matches the platform: a string is compared
    with `platform.system`; an attribute set is a pattern matched against the
    platform (or against `platform.parsed` if it has no `parsed` key itself).

    # Example
    ```nix
    platformMatch (lib.systems.elaborate "x86_64-linux") "x86_64-linux"
    => true
    ```
  */
  inherit platformMatch;

  /**
    True if the package's `meta.platforms` (default: all) matches the platform and
    none of its `meta.badPlatforms` does.

    # Example
    ```nix
    availableOn (lib.systems.elaborate "x86_64-linux") { meta.platforms = [ "aarch64-linux" ]; }
    => false
    ```
  */
  availableOn =
    platform: pkg:
    (!(pkg ? meta.platforms) || b.any (platformMatch platform) pkg.meta.platforms)
    && b.all (elem: !(platformMatch platform elem)) (pkg.meta.badPlatforms or [ ]);

  /**
    The path of a package's main program: `bin/<meta.mainProgram>` in its `bin` output,
    falling back (with a warning) to the package name.

    # Example
    ```nix
    getExe pkgs.hello
    => "/nix/store/…-hello-2.12.1/bin/hello"
    ```
  */
  getExe =
    x:
    getExe' x (
      x.meta.mainProgram or (lib.trivial.warn
        "getExe: ${x.name or "the package"} has no meta.mainProgram; guessing \"${lib.strings.getName x}\""
        (lib.strings.getName x)
      )
    );

  /**
    The path of the named program in a package's `bin` output.

    # Example
    ```nix
    getExe' pkgs.imagemagick "convert"
    => "/nix/store/…-imagemagick-7/bin/convert"
    ```
  */
  inherit getExe';
}
