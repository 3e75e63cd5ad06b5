# The stdenv constructor (cross.md §8).  A stdenv is a derivation (its output
# holds `setup`, the shell library every builder sources) extended with the
# three platforms, the C compiler wrapper and `mkDerivation`.
#
# `stdenv.override { targetPlatform = C; }` and `stdenv.override (old: …)`
# both work: the constructor is made overridable.
{ lib }:
lib.makeOverridable (
  {
    name,
    buildPlatform,
    hostPlatform,
    targetPlatform,
    cc,
    hasCC ? cc != null,
    config,
    bootstrapTools,
    # The tools on every builder's PATH and the shell that runs builders:
    # the bootstrap tools in the bootstrap stages, the core tools built from
    # source in the final one.
    initialPath ? [ bootstrapTools ],
    shell ? "${bootstrapTools}/bin/bash",
    # config.sub/config.guess that know every target (unpacked sources get
    # them in place of their own, often too old ones); null: keep theirs.
    gnuConfig ? null,
    overrides ? (final: prev: { }),
    extraNativeBuildInputs ? [ ],
    extraBuildInputs ? [ ],
    allowedRequisites ? null,
    makeStatic ? false,
    # Variables given to every builder of this stdenv (the emulated
    # bootstrap's QEMU_LD_PREFIX, see debian-bootstrap.nix).
    builderEnv ? { },
  }:
  let
    # Wrapper environment variables are suffixed with the platform they serve.
    salt = platform: builtins.replaceStrings [ "-" "." ] [ "_" "_" ] platform.config;

    drv = derivation (
      {
        inherit name;
        system = buildPlatform.system;
        builder = shell;
        args = [
          "-e"
          ./stdenv-builder.sh
        ];
        setup = ./setup.sh;
        inherit initialPath shell;
        saltBuild = salt buildPlatform;
        saltHost = salt hostPlatform;
        defaultNativeBuildInputs = extraNativeBuildInputs;
        defaultBuildInputs = extraBuildInputs;
        crossCompiling = hostPlatform != buildPlatform;
      }
      // lib.optionalAttrs hasCC { inherit cc; }
      // lib.optionalAttrs (gnuConfig != null) { inherit gnuConfig; }
      // lib.optionalAttrs (allowedRequisites != null) { inherit allowedRequisites; }
      // builderEnv
    );

    makeDerivation = import ./make-derivation.nix { inherit lib config; } stdenv;

    stdenv = drv // {
      inherit
        buildPlatform
        hostPlatform
        targetPlatform
        cc
        hasCC
        overrides
        shell
        config
        bootstrapTools
        initialPath
        gnuConfig
        extraNativeBuildInputs
        extraBuildInputs
        makeStatic
        builderEnv
        ;
      # The derivation attribute `system` (what Nix schedules on) is the build
      # platform's; the record's is the host's, as in nixpkgs.
      inherit (hostPlatform) system;
      inherit (hostPlatform)
        isDarwin
        isLinux
        isSunOS
        isCygwin
        isBSD
        isFreeBSD
        isOpenBSD
        isi686
        isx86_32
        isx86_64
        is32bit
        is64bit
        isAarch32
        isAarch64
        isMips
        isBigEndian
        ;
      # Not part of the stdenv's derivation: the same stdenv serves any
      # target, so packages of a cross compiler's stage that do not care
      # about the target are the very derivations of the native stage.
      # mkDerivation passes it to the few builds with target dependencies.
      saltTarget = salt targetPlatform;
      inherit (makeDerivation) mkDerivation dependencyClosure mapOffset;
    };
  in
  stdenv
)
