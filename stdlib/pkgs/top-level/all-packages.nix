# The package universe of every stage: stdenv variants, trivial builders,
# toolchains taken from this machine, libc stand-ins, emulators, and the
# small demonstration packages of cross.md §12 that have no source of their
# own (the ones with sources live in by-name/).
#
# Everything is `callPackage`d, so in a cross stage each argument arrives
# spliced and mkDerivation can pick the variant each dependency list needs.
{ lib, config }:
final: prev:
let
  b = builtins;
  inherit (final) callPackage;

  # A package that only records which of this machine's programs it stands
  # for; building it links them, or fails naming the Debian package.
  hostProgram =
    {
      pname,
      version,
      programs,
      debianPackage,
      stdenv ? final.stdenvNoCC,
      passthru ? { },
    }:
    stdenv.mkDerivation {
      inherit pname version passthru;
      dontUnpack = true;
      dontConfigure = true;
      dontBuild = true;
      dontFixup = true;
      programs = lib.concatStringsSep " " programs;
      installPhase = ''
        mkdir -p "$out/bin"
        for program in $programs; do
          if [ ! -x "/usr/bin/$program" ]; then
            echo "error: ${pname} needs /usr/bin/$program; install it with: apt-get install -y ${debianPackage}" >&2
            exit 1
          fi
          ln -s "/usr/bin/$program" "$out/bin/$program"
        done
      '';
      meta.description = "${pname} from this machine's Debian package ${debianPackage}";
    };

  libcStandIn = pname: version: debianPackage: callPackage ../stdenv/libc.nix { inherit pname version debianPackage; };
in
{
  fetchurl = import ../build-support/fetchurl.nix { inherit lib; };

  stdenvNoCC = final.stdenv.override {
    cc = null;
    hasCC = false;
  };

  # cross.md §7.3: every dependency of a package by package set, propagation included.
  dependencyClosure = final.stdenv.dependencyClosure;

  inherit (callPackage ../build-support/trivial-builders { })
    runCommandWith
    runCommand
    runCommandCC
    writeTextFile
    writeText
    writeScript
    writeScriptBin
    writeShellScript
    writeShellScriptBin
    symlinkJoin
    makeSetupHook
    ;

  # --- toolchains ---------------------------------------------------------

  hostToolchain = callPackage ../stdenv/host-toolchain.nix { };

  gcc11-unwrapped = final.hostToolchain.gcc "11.3.0";
  gcc12-unwrapped = final.hostToolchain.gcc "12.2.0";
  gcc11 = final.wrapCC final.gcc11-unwrapped;
  gcc12 = final.wrapCC final.gcc12-unwrapped;
  # GCC 11 by default; Debian packages the MinGW-w64 compiler only as GCC 12.
  gcc = if final.stdenv.targetPlatform.isMinGW then final.gcc12 else final.gcc11;
  gcc-unwrapped = final.gcc.cc;

  binutils-unwrapped = final.hostToolchain.binutils;
  binutils = final.wrapBintoolsWith { bintools = final.binutils-unwrapped; };
  bintools = final.binutils;
  wrapBintoolsWith = args: callPackage ../build-support/cc-wrapper/bintools.nix args;

  wrapCCWith =
    {
      cc,
      bintools ? final.binutils,
      libc ? (final.targetPackages.libc or final.libc),
      ...
    }@args:
    callPackage ../build-support/cc-wrapper (args // { inherit bintools libc; });
  wrapCC = cc: final.wrapCCWith { inherit cc; };

  llvmPackages = lib.recurseIntoAttrs {
    clang-unwrapped = final.hostToolchain.clang;
    clang = final.wrapCCWith {
      cc = final.llvmPackages.clang-unwrapped;
      isClang = true;
    };
  };
  clang = final.llvmPackages.clang;

  # Android and iOS prebuilt toolchains are out of scope (cross.md §14.6):
  # a compiler wrapper that evaluates but refuses to build.
  prebuiltCC = final.wrapCCWith {
    cc = final.stdenvNoCC.mkDerivation {
      pname = "prebuilt-toolchain";
      version = "0";
      dontUnpack = true;
      installPhase = ''
        echo "error: prebuilt Android/iOS toolchains are not available on this machine" >&2
        exit 1
      '';
    };
  };

  # --- libc stand-ins (chosen by the host platform's `libc`) ----------------

  glibc = libcStandIn "glibc" "2.36" "libc6-dev";
  musl = libcStandIn "musl" "1.2.3" "musl-dev";
  msvcrt = libcStandIn "mingw-w64" "10.0.0" "mingw-w64-x86-64-dev";
  ucrt = libcStandIn "mingw-w64-ucrt" "10.0.0" "mingw-w64-x86-64-dev";
  newlib = libcStandIn "newlib" "3.3.0" "libnewlib-dev";
  wasilibc = libcStandIn "wasi-libc" "0.0~git20221206" "wasi-libc";
  libc =
    let
      byName = {
        inherit (final)
          glibc
          musl
          msvcrt
          ucrt
          newlib
          wasilibc
          ;
      };
      wanted = final.stdenv.hostPlatform.libc;
    in
    if wanted == null then null else byName.${wanted} or (libcStandIn wanted "0" "(none)");

  # --- emulators ------------------------------------------------------------

  # qemu-user with the cross sysroots as default library prefixes, so a
  # dynamically linked foreign program runs as `qemu-aarch64 ./prog`.
  qemu-user = callPackage ../build-support/qemu-user.nix { };
  winePackagesFor = wineBuild: {
    minimal = hostProgram {
      pname = "wine";
      version = "8.0";
      programs = [ "wine" ];
      debianPackage = "wine";
    };
  };
  wasmtime = hostProgram {
    pname = "wasmtime";
    version = "0";
    programs = [ "wasmtime" ];
    debianPackage = "(none in Debian 12: wasmtime is not packaged)";
  };
  nodejs = hostProgram {
    pname = "nodejs";
    version = "18.19.0";
    programs = [ "node" ];
    debianPackage = "nodejs";
  };
  nodejs-slim = final.nodejs;
  mmixware = hostProgram {
    pname = "mmixware";
    version = "0";
    programs = [ "mmix" ];
    debianPackage = "(none in Debian 12)";
  };

  # --- build tools ----------------------------------------------------------

  # meson (with its Python), ninja and cmake stay this machine's Debian
  # programs, wrapped with the setup hooks that drive them.
  hostBuildTool = callPackage ../build-support/host-build-tool.nix { };
  meson = final.hostBuildTool {
    pname = "meson";
    version = "1.0.1";
    programs = [ "meson" ];
    debianPackage = "meson";
    setupHook = ../build-support/setup-hooks/meson.sh;
  };
  ninja = final.hostBuildTool {
    pname = "ninja";
    version = "1.11.1";
    programs = [ "ninja" ];
    debianPackage = "ninja-build";
  };
  cmake = final.hostBuildTool {
    pname = "cmake";
    version = "3.25.1";
    programs = [ "cmake" ];
    debianPackage = "cmake";
    setupHook = ../build-support/setup-hooks/cmake.sh;
  };

  pkg-config = callPackage ../build-support/pkg-config-wrapper.nix { };
  pkgconfig = final.pkg-config;

  # The manual's hook for Meson projects that run host programs while
  # building: a cross file whose exe_wrapper is the emulator.  It belongs in
  # nativeBuildInputs, guarded by `!stdenv.buildPlatform.canExecute stdenv.hostPlatform`.
  mesonEmulatorHook =
    if !(final.stdenv.buildPlatform.canExecute final.stdenv.targetPlatform) then
      final.makeSetupHook {
        name = "meson-emulator-hook";
        substitutions.crossFile = final.writeText "cross-file.conf" ''
          [binaries]
          exe_wrapper = '${final.stdenv.targetPlatform.emulator final.pkgs}'
        '';
      } ../build-support/meson-emulator-hook.sh
    else
      b.throw "mesonEmulatorHook is only for builds that cannot run the host's programs, but ${final.stdenv.buildPlatform.config} can run ${final.stdenv.targetPlatform.config}; add it only under `lib.optionals (!stdenv.buildPlatform.canExecute stdenv.hostPlatform)'";

  # --- the toy universe of cross.md §12 (no sources: never meant to be built) --

  libfoo = callPackage (
    { stdenv, zlib }:
    stdenv.mkDerivation {
      pname = "libfoo";
      version = "1.0";
      propagatedBuildInputs = [ zlib ];
      dontUnpack = true;
      installPhase = "mkdir -p $out/lib";
    }
  ) { };

  tool = callPackage (
    { stdenv }:
    stdenv.mkDerivation {
      pname = "tool";
      version = "1.0";
      dontUnpack = true;
      installPhase = "mkdir -p $out/bin";
    }
  ) { };

  tool2 = callPackage (
    { stdenv, zlib }:
    stdenv.mkDerivation {
      pname = "tool2";
      version = "1.0";
      propagatedBuildInputs = [ zlib ];
      dontUnpack = true;
      installPhase = "mkdir -p $out/bin";
    }
  ) { };

  tool3 = callPackage (
    { stdenv, zlib }:
    stdenv.mkDerivation {
      pname = "tool3";
      version = "1.0";
      propagatedNativeBuildInputs = [ zlib ];
      dontUnpack = true;
      installPhase = "mkdir -p $out/bin";
    }
  ) { };

  bar = callPackage (
    {
      stdenv,
      tool,
      libfoo,
    }:
    stdenv.mkDerivation {
      pname = "bar";
      version = "1.0";
      nativeBuildInputs = [ tool ];
      buildInputs = [ libfoo ];
      dontUnpack = true;
      installPhase = "mkdir -p $out";
    }
  ) { };

  # A nested package scope whose callPackage splices the scope itself.
  demoScope = final.makeScopeWithSplicing' {
    otherSplices = final.generateSplicesForMkScope "demoScope";
    f = self: {
      inner = self.callPackage (
        { stdenv, zlib }:
        stdenv.mkDerivation {
          pname = "inner";
          version = "1.0";
          buildInputs = [ zlib ];
          dontUnpack = true;
          installPhase = "mkdir -p $out/bin";
        }
      ) { };
      innerUser = self.callPackage (
        { stdenv, inner }:
        stdenv.mkDerivation {
          pname = "inner-user";
          version = "1.0";
          nativeBuildInputs = [ inner ];
          buildInputs = [ inner ];
          dontUnpack = true;
          installPhase = "mkdir -p $out";
        }
      ) { };
    };
  };
}
