# Bootstrapping: which stages make up a package set, and how they are tied
# together (cross.md §3.3, §4).
#
# A stage function maps the previous stage's package set to either a *raw*
# stage (`{ __raw = true; … }`, used as it is) or to the arguments of
# stage.nix (`{ stdenv; overlays; config; selfBuild ? true;
# allowCustomOverrides ? <last stage>; }`).  The booter folds the list into a
# lazily built, doubly linked chain: each stage sees its predecessor and,
# through `pkgsTargetTarget`, its successor.  It returns the last stage.
#
# Native chain (every stage (L, L, L), all six sets are the stage itself):
#   stage 0  raw: the bootstrap tools (this machine's coreutils, bash, make …
#            linked into a store path) and a compiler-less stdenv;
#   stage 1  a compiler-less stdenv in which `gcc` (a wrapper around this
#            machine's default GCC) is built; no overlays, no overrides;
#   stage 2  the bootstrap tools and stage 1's `gcc`: builds the core tools
#            (coreutils, bash, sed, grep, gawk, make, …) from source;
#   final    `stdenv-<kernel>`, whose cc is stage 2's `gcc` (where overlays
#            apply, so `gcc = self.gcc12` changes the native compiler without
#            rebuilding the core tools) and whose PATH and shell are stage 2's
#            core tools: store paths only.
#
# Cross chain L → C (the sliding window of cross.md §4.6):
#   native stages except the last, then
#   S0 (L, L, L)  the final native stage ("vanilla");
#   S1 (L, L, C)  S0's stdenv with target C: builds the cross compiler;
#   S2 (L, C, C)  the packages themselves; cc = S1's `gcc`; crossOverlays
#                 apply here only.
# Above S2 sits a stub (`{ __raw = true; stdenv.cc = …; }`), which is what
# `targetPackages` of the top-level set is.
{
  lib,
  localSystem,
  crossSystem,
  config,
  overlays,
  crossOverlays ? [ ],
  allPackages,
  ...
}:
let
  b = builtins;
  inherit (lib) assertMsg;

  mkStdenv = import ../stdenv { inherit lib; };

  # What the final stdenv puts on every builder's PATH, built from source in
  # bootstrap stage 2 with the bootstrap tools.
  coreToolNames = [
    "coreutils"
    "findutils"
    "diffutils"
    "gnused"
    "gnugrep"
    "gawk"
    "gnutar"
    "gzip"
    "bzip2"
    "xz"
    "gnumake"
    "gnupatch"
    "bash"
  ];

  nativeStages =
    {
      localSystem,
      config,
      overlays,
    }:
    let
      # Emulated bootstrap (debian-bootstrap.nix): the host tools are x86
      # programs, so any other machine starts from Debian's packages of its
      # own architecture, every builder running under qemu-user.
      debianBootstrap = import ../stdenv/debian-bootstrap.nix { inherit lib localSystem; };
      emulated = !(localSystem.isx86_64 || localSystem.isx86_32) && debianBootstrap.available;
      bootstrapOverlays = lib.optional emulated debianBootstrap.overlay;
      stageOverlays = bootstrapOverlays ++ overlays;

      bootstrapTools =
        if emulated then
          debianBootstrap.tools
        else
          import ../stdenv/bootstrap-tools.nix { inherit (localSystem) system; };
      kernel = localSystem.parsed.kernel.name;
      common = {
        buildPlatform = localSystem;
        hostPlatform = localSystem;
        targetPlatform = localSystem;
        inherit config bootstrapTools;
      }
      // lib.optionalAttrs emulated { inherit (debianBootstrap) builderEnv; };
    in
    [
      (_: {
        __raw = true;
        inherit bootstrapTools;
        stdenv = mkStdenv (common // { name = "bootstrap-stage0-stdenv-${kernel}"; cc = null; });
      })
      # No user overlays here: the compiler that builds the core tools is
      # always the default one, so an overlay choosing another `gcc` does
      # not rebuild the core tools.
      (_stage0: {
        inherit config;
        overlays = bootstrapOverlays;
        allowCustomOverrides = false;
        stdenv = mkStdenv (common // { name = "bootstrap-stage1-stdenv-${kernel}"; cc = null; });
      })
      (stage1: {
        inherit config;
        overlays = stageOverlays;
        allowCustomOverrides = false;
        stdenv = mkStdenv (common // { name = "bootstrap-stage2-stdenv-${kernel}"; cc = stage1.gcc; });
      })
      (stage2: {
        inherit config;
        overlays = stageOverlays;
        stdenv = mkStdenv (
          common
          // {
            name = "stdenv-${kernel}";
            # Stage 2's `gcc`, where the user's overlays apply.
            cc = stage2.gcc;
            gnuConfig = stage2.gnu-config;
          }
          # Emulated, the final stdenv keeps the Debian root's tools (store
          # paths too): building the 13 core tools again under qemu-user
          # would cost hours of emulated configure scripts on every machine.
          // lib.optionalAttrs (!emulated) {
            initialPath = map (name: lib.getBin stage2.${name}) coreToolNames;
            shell = "${stage2.bash}/bin/bash";
            # The final stage uses the core tools of its stdenv, not copies
            # of them built again.
            overrides = final: prev: lib.genAttrs (coreToolNames ++ [ "gnu-config" ]) (name: stage2.${name});
          }
        );
      })
    ];

  # cross.md §3.3: cross stages when the platforms differ (by identity) or
  # crossOverlays ask for the cross machinery; custom stages for
  # `config.replaceStdenv`; otherwise the native stages.
  crossStages =
    let
      native = nativeStages {
        inherit localSystem overlays;
        config = removeAttrs config [ "replaceStdenv" ];
      };
      lastNative = lib.last native;
    in
    lib.init native
    ++ [
      # S0, "vanilla": the final native stage, with custom overrides allowed.
      (prev: lastNative prev // { allowCustomOverrides = true; })

      # S1: tools that run on L and emit code for C.
      (vanilla: {
        inherit config overlays;
        selfBuild = false;
        allowCustomOverrides = true;
        stdenv =
          assert assertMsg (
            vanilla.stdenv.buildPlatform == localSystem
            && vanilla.stdenv.hostPlatform == localSystem
            && vanilla.stdenv.targetPlatform == localSystem
          ) "stdlib: the native stage under a cross chain must be (L, L, L)";
          vanilla.stdenv.override { targetPlatform = crossSystem; };
      })

      # S2: packages that run on C, built on L.
      (buildPackages: {
        inherit config;
        overlays = overlays ++ crossOverlays;
        selfBuild = false;
        stdenv =
          let
            baseStdenv = buildPackages.stdenv.override (old: {
              buildPlatform = localSystem;
              hostPlatform = crossSystem;
              targetPlatform = crossSystem;
              cc = crossCompiler buildPackages;
              hasCC = !crossSystem.isGhcjs;
              overrides = _: _: { };
              extraBuildInputs = [ ];
            });
            staticStdenv = if crossSystem.isStatic then baseStdenv.override { makeStatic = true; } else baseStdenv;
          in
          if config ? replaceCrossStdenv then
            config.replaceCrossStdenv {
              inherit buildPackages;
              baseStdenv = staticStdenv;
            }
          else
            staticStdenv;
      })
    ];

  # The compiler of S2: S1's `gcc` (a compiler wrapper running on L that
  # emits code for C), or clang where the target wants LLVM.
  crossCompiler =
    buildPackages:
    if crossSystem.isGhcjs then
      b.throw "stdlib: there is no C compiler for ${crossSystem.config} (ghcjs)"
    else if crossSystem.useiOSPrebuilt or false || crossSystem.useAndroidPrebuilt or false then
      buildPackages.prebuiltCC
    else if crossSystem.isDarwin || crossSystem.useLLVM or false then
      buildPackages.llvmPackages.clang
    else
      buildPackages.gcc;

  customStages =
    let
      native = nativeStages { inherit localSystem config overlays; };
    in
    native
    ++ [
      (vanillaPackages: {
        inherit config overlays;
        stdenv = config.replaceStdenv { pkgs = vanillaPackages; };
      })
    ];

  stageFunctions =
    if crossSystem != localSystem || crossOverlays != [ ] then
      crossStages
    else if config ? replaceStdenv then
      customStages
    else
      nativeStages { inherit localSystem config overlays; };

  # The stub above the last stage: not a package set, only the C compiler
  # that the last stage would use to build for itself.
  postStageStub = last: {
    __raw = true;
    stdenv.cc =
      if !(last.stdenv.hasCC or true) then
        last.stdenv.cc
      else if last.stdenv.cc.isClang or false then
        last.llvmPackages.clang
      else
        last.gcc;
  };

  boot =
    functions:
    let
      count = b.length functions;
      stages = b.genList stageAt count;
      predecessor = i: if i == 0 then { } else b.elemAt stages (i - 1);
      successor = i: if i == count - 1 then postStageStub (b.elemAt stages i) else b.elemAt stages (i + 1);
      stageAt =
        i:
        let
          prev = predecessor i;
          next = successor i;
          stageArgs = (b.elemAt functions i) prev;
          stdenv = stageArgs.stdenv // {
            __bootPackages = prev;
            __hatPackages = next;
          };
          build = stdenv.buildPlatform;
          host = stdenv.hostPlatform;
          target = stdenv.targetPlatform;
          adjacentPackages =
            if stageArgs.selfBuild or true then
              null
            else
              {
                pkgsBuildBuild = prev.buildPackages;
                pkgsBuildHost = prev;
                pkgsBuildTarget =
                  if target == host then
                    prev
                  else
                    assert assertMsg (host == build) "stdlib: Canadian-cross stages (build ≠ host ≠ target) are not supported";
                    self;
                pkgsHostHost =
                  if host == target then
                    self
                  else
                    assert assertMsg (build == host) "stdlib: Canadian-cross stages (build ≠ host ≠ target) are not supported";
                    prev;
                pkgsTargetTarget = next;
              };
          self = allPackages (
            removeAttrs stageArgs [ "selfBuild" ]
            // {
              inherit stdenv adjacentPackages;
              allowCustomOverrides = stageArgs.allowCustomOverrides or (i == count - 1);
            }
          );
        in
        if stageArgs.__raw or false then stageArgs else self;
    in
    b.elemAt stages (count - 1);
in
boot stageFunctions
