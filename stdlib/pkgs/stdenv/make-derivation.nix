# `stdenv.mkDerivation` (cross.md §7, §10).
#
# Takes attributes or a function `finalAttrs: attributes` and returns a
# derivation whose builder sources `$stdenv/setup` (setup.sh) and runs the
# phases.  What is cross-specific:
#
# * the twelve dependency lists: each element `d` of a list is replaced by
#   `getDev (d.__spliced.<key> or d)`, where <key> names the package set the
#   list draws from (depsBuildBuild → buildBuild, nativeBuildInputs →
#   buildHost, …).  A dependency that is not spliced is used as it is;
# * the name gets `-<host config>` when host ≠ build (and `-static` for static
#   hosts); `system` is the build platform's;
# * `strictDeps`, `configurePlatforms` and `doCheck` follow the platforms;
# * propagation: `dependencyClosure` computes, in Nix, every dependency of a
#   package by (host offset, target offset), following propagated lists with
#   the offset arithmetic of cross.md §7.3.  The closure is handed to the
#   builder, so setup.sh needs no propagation logic of its own.
{ lib, config }:
stdenv:
let
  b = builtins;
  inherit (stdenv) buildPlatform hostPlatform targetPlatform;

  # name, splice key, host offset, target offset, propagated?
  dependencyLists = [
    { name = "depsBuildBuild"; key = "buildBuild"; host = -1; target = -1; propagated = false; }
    { name = "nativeBuildInputs"; key = "buildHost"; host = -1; target = 0; propagated = false; }
    { name = "depsBuildTarget"; key = "buildTarget"; host = -1; target = 1; propagated = false; }
    { name = "depsHostHost"; key = "hostHost"; host = 0; target = 0; propagated = false; }
    { name = "buildInputs"; key = "hostTarget"; host = 0; target = 1; propagated = false; }
    { name = "depsTargetTarget"; key = "targetTarget"; host = 1; target = 1; propagated = false; }
    { name = "depsBuildBuildPropagated"; key = "buildBuild"; host = -1; target = -1; propagated = true; }
    { name = "propagatedNativeBuildInputs"; key = "buildHost"; host = -1; target = 0; propagated = true; }
    { name = "depsBuildTargetPropagated"; key = "buildTarget"; host = -1; target = 1; propagated = true; }
    { name = "depsHostHostPropagated"; key = "hostHost"; host = 0; target = 0; propagated = true; }
    { name = "propagatedBuildInputs"; key = "hostTarget"; host = 0; target = 1; propagated = true; }
    { name = "depsTargetTargetPropagated"; key = "targetTarget"; host = 1; target = 1; propagated = true; }
  ];
  dependencyListNames = map (l: l.name) dependencyLists;
  propagatedLists = b.filter (l: l.propagated) dependencyLists;

  closureKeys = [
    { key = "buildBuild"; host = -1; target = -1; }
    { key = "buildHost"; host = -1; target = 0; }
    { key = "buildTarget"; host = -1; target = 1; }
    { key = "hostHost"; host = 0; target = 0; }
    { key = "hostTarget"; host = 0; target = 1; }
    { key = "targetTarget"; host = 1; target = 1; }
  ];

  # Flattens a dependency list, checks each element and picks the variant of a
  # spliced package that the list needs.
  selectDependencies =
    key: listName: pkgName: list:
    let
      go =
        position: xs:
        b.concatLists (
          lib.imap0 (
            i: x:
            let
              here = [ i ] ++ position;
            in
            if b.isList x then
              go here x
            else if x == null || b.isString x || b.isPath x then
              [ x ]
            else if lib.isDerivation x then
              [ (lib.getDev (x.__spliced.${key} or x)) ]
            else
              b.throw "Dependency is not of a valid type: ${
                lib.concatMapStrings (ix: "element ${toString ix} of ") here
              }${listName} for ${pkgName} (a ${b.typeOf x}; expected a derivation, a string, a path, null or a list)"
          ) xs
        );
    in
    go [ ] (lib.toList list);

  # cross.md §7.3: offset `i` of a propagated dependency, seen from a package
  # that has the propagating dependency at offsets (h, t).
  mapOffset = h: t: i: i + (if i <= 0 then h else t - 1);

  /**
    Every dependency of a `mkDerivation` package by the package set it comes
    from: `{ buildBuild; buildHost; buildTarget; hostHost; hostTarget; targetTarget; }`
    (offsets (-1,-1) … (1,1)), following propagated lists.  A propagated
    dependency whose mapped host offset falls below -1 is dropped.  Lists are
    deduplicated per offset pair.
  */
  dependencyClosure =
    pkg:
    let
      itemKey =
        h: t: dep:
        "${toString h}:${toString t}:${
          b.unsafeDiscardStringContext (if lib.isDerivation dep then dep.outPath else toString dep)
        }";
      item = h: t: dep: {
        key = itemKey h t dep;
        inherit h t dep;
      };
      direct = b.concatMap (
        l: map (item l.host l.target) (b.filter (d: d != null) (pkg.${l.name} or [ ]))
      ) dependencyLists;
      # What a dependency at (h, t) brings along: its propagated lists, and the
      # `out` output of a non-`out` output (a `dev` output implies its `out`).
      follow =
        it:
        let
          dep = it.dep;
          sibling =
            if lib.isDerivation dep && (dep.outputName or "out") != "out" && dep ? out then
              [ (item it.h it.t dep.out) ]
            else
              [ ];
          propagated =
            if lib.isDerivation dep then
              b.concatMap (
                l:
                let
                  h = mapOffset it.h it.t l.host;
                  t = mapOffset it.h it.t l.target;
                in
                if h < -1 then [ ] else map (item h t) (b.filter (d: d != null) (dep.${l.name} or [ ]))
              ) propagatedLists
            else
              [ ];
        in
        sibling ++ propagated;
      all = b.genericClosure {
        startSet = direct;
        operator = follow;
      };
    in
    b.listToAttrs (
      map (k: {
        name = k.key;
        value = map (it: it.dep) (b.filter (it: it.h == k.host && it.t == k.target) all);
      }) closureKeys
    );

  closureEnvName = {
    buildBuild = "depsClosureBuildBuild";
    buildHost = "depsClosureBuildHost";
    buildTarget = "depsClosureBuildTarget";
    hostHost = "depsClosureHostHost";
    hostTarget = "depsClosureHostTarget";
    targetTarget = "depsClosureTargetTarget";
  };

  platformByName = {
    build = buildPlatform;
    host = hostPlatform;
    target = targetPlatform;
  };

  # Attributes that configure mkDerivation itself and never reach the builder.
  nonDerivationAttrs = [
    "meta"
    "passthru"
    "pos"
    "env"
    "checkInputs"
    "installCheckInputs"
    "nativeCheckInputs"
    "nativeInstallCheckInputs"
    "configurePlatforms"
    "finalPackage"
    "overrideAttrs"
    "realBuilder"
    "dontAddHostSuffix"
  ];

  makePackage =
    overrideAttrs: attrs:
    let
      hostSuffix = lib.optionalString (
        hostPlatform != buildPlatform && stdenv.hasCC && !(attrs.dontAddHostSuffix or (attrs ? outputHash))
      ) "-${hostPlatform.config}";
      staticMarker = lib.optionalString (hostPlatform.isStatic or false) "-static";
      name =
        if attrs ? name then
          attrs.name + hostSuffix
        else if attrs ? pname && attrs ? version && attrs.version != null then
          "${attrs.pname}${staticMarker}${hostSuffix}-${attrs.version}"
        else
          b.throw "mkDerivation: a package needs `name', or both `pname' and `version'";
      shownName = attrs.name or attrs.pname or "<unnamed package>";

      canExecuteHost = buildPlatform.canExecute hostPlatform;
      doCheck = (attrs.doCheck or config.doCheckByDefault or false) && canExecuteHost;
      doInstallCheck = (attrs.doInstallCheck or config.doCheckByDefault or false) && canExecuteHost;

      strictDeps = attrs.strictDeps or (config.strictDepsByDefault or false || hostPlatform != buildPlatform);

      configurePlatforms =
        attrs.configurePlatforms or (
          if config.configurePlatformsByDefault or false || hostPlatform != buildPlatform then
            [
              "build"
              "host"
            ]
          else
            [ ]
        );
      platformFlags = map (p: "--${p}=${platformByName.${p}.config}") configurePlatforms;
      staticFlags = lib.optionals (stdenv.makeStatic or false) [
        "--enable-static"
        "--disable-shared"
      ];
      configureFlags = lib.toList (attrs.configureFlags or [ ]) ++ platformFlags ++ staticFlags;

      # The lists as given, with the check inputs joined when checks run.
      given =
        name:
        (attrs.${name} or [ ])
        ++ (
          if name == "buildInputs" then
            lib.optionals doCheck (attrs.checkInputs or [ ])
            ++ lib.optionals doInstallCheck (attrs.installCheckInputs or [ ])
          else if name == "nativeBuildInputs" then
            lib.optionals doCheck (attrs.nativeCheckInputs or [ ])
            ++ lib.optionals doInstallCheck (attrs.nativeInstallCheckInputs or [ ])
          else
            [ ]
        );
      selected = b.listToAttrs (
        map (l: {
          inherit (l) name;
          value = selectDependencies l.key l.name shownName (given l.name);
        }) dependencyLists
      );

      closure = dependencyClosure selected;

      outputs = attrs.outputs or [ "out" ];

      derivationArgs =
        removeAttrs attrs nonDerivationAttrs
        // (stdenv.builderEnv or { })
        // (attrs.env or { })
        // selected
        // {
          inherit
            name
            outputs
            strictDeps
            doCheck
            doInstallCheck
            configureFlags
            stdenv
            ;
          builder = attrs.realBuilder or stdenv.shell;
          args =
            attrs.args or [
              "-e"
              (attrs.builder or ./default-builder.sh)
            ];
          system = buildPlatform.system;
          __ignoreNulls = true;
        }
        // lib.mapAttrs' (k: v: lib.nameValuePair closureEnvName.${k} v) closure
        // lib.optionalAttrs (closure.targetTarget or [ ] != [ ]) { NIX_SALT_TARGET = stdenv.saltTarget; };

      meta = attrs.meta or { };
      available = lib.availableOn hostPlatform { inherit meta; };
      validity =
        if !available && !(config.allowUnsupportedSystem or false) then
          b.throw "Package ‘${name}’ cannot be built for ${hostPlatform.config} (${hostPlatform.system}): its meta.platforms ${
            let
              shown = map (p: if b.isString p then p else "<pattern>") meta.platforms;
            in
            if !(meta ? platforms) then
              "are not given"
            else if b.length shown <= 8 then
              "are only ${lib.concatStringsSep ", " shown}"
            else
              "(${toString (b.length shown)} entries) do not include ${hostPlatform.system}"
          }${
            lib.optionalString (meta ? badPlatforms) " or its meta.badPlatforms excludes it"
          }. To evaluate it anyway, set `config.allowUnsupportedSystem = true;'"
        else if (meta.broken or false) && !(config.allowBroken or false) then
          b.throw "Package ‘${name}’ is marked as broken (meta.broken); set `config.allowBroken = true;' to evaluate it anyway"
        else
          true;

      passthru = attrs.passthru or { };
    in
    lib.extendDerivation validity (
      {
        inherit overrideAttrs passthru;
        meta = meta // {
          inherit available;
        };
      }
      // passthru
    ) (b.derivation derivationArgs);

  # `finalAttrs: attrs` with overrideAttrs as a fixed-point extension.
  makeExtensiblePackage =
    rattrs:
    let
      args = rattrs (
        args
        // {
          inherit finalPackage overrideAttrs;
        }
      );
      finalPackage = makePackage overrideAttrs args;
      overrideAttrs = f: makeExtensiblePackage (lib.extends (lib.toExtension f) rattrs);
    in
    finalPackage;

  mkDerivation = fnOrAttrs: makeExtensiblePackage (if lib.isFunction fnOrAttrs then fnOrAttrs else _: fnOrAttrs);
in
{
  inherit mkDerivation dependencyClosure mapOffset;
}
