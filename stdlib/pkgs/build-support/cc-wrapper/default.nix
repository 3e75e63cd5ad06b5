# The C compiler wrapper (cross.md §9.2).
#
# Built with the stage's stdenvNoCC, so its name never carries a host suffix.
# For a compiler whose target differs from its host every tool is prefixed
# with `<target config>-` (`targetPrefix`), as `${stdenv.cc.targetPrefix}cc`
# in Makefiles expects.  The tools are small scripts that call the unwrapped
# compiler with
#
#   * the target's machine flags (`-march`, `-mfpu`, … from platform.gcc),
#   * the flags of the dependencies the build gave this compiler's role:
#     $NIX_CFLAGS_COMPILE_<salt> and $NIX_LDFLAGS_<salt>, where <salt> is the
#     target config with `-` and `.` turned into `_` (`suffixSalt`).  setup.sh
#     fills the build compiler's and the host compiler's variables
#     separately, so a host library never reaches the build compiler;
#   * an rpath for every store library directory on ELF targets, and
#     `-static` for static targets.
{
  lib,
  stdenvNoCC,
  cc,
  bintools,
  libc ? null,
  isClang ? cc.isClang or false,
  name ? "",
  extraFlags ? [ ],
}:
let
  b = builtins;
  inherit (stdenvNoCC) hostPlatform targetPlatform;

  targetPrefix = lib.optionalString (targetPlatform != hostPlatform) "${targetPlatform.config}-";
  ccName = lib.removePrefix targetPrefix (lib.getName cc);
  suffixSalt = b.replaceStrings [ "-" "." ] [ "_" "_" ] targetPlatform.config;

  gccFlags = targetPlatform.gcc or { };
  flag = option: attr: lib.optional (gccFlags ? ${attr}) "-m${option}=${gccFlags.${attr}}";
  # Debian's armhf compiler already uses the hard-float ABI; everything else
  # follows the platform's gcc settings.
  machineFlags =
    flag "arch" "arch"
    ++ flag "cpu" "cpu"
    ++ flag "tune" "tune"
    ++ flag "fpu" "fpu"
    ++ flag "float-abi" "float-abi"
    ++ flag "abi" "abi"
    ++ lib.optional (gccFlags ? mode) "-m${gccFlags.mode}"
    ++ lib.optional (targetPlatform.isAarch32 && gccFlags.arch or "" == "armv6kz") "-marm"
    ++ extraFlags;

  unwrappedName = tool: "${cc}/bin/${cc.targetPrefix or targetPrefix}${tool}";
  tools =
    if isClang then
      {
        cc = unwrappedName "clang";
        "c++" = unwrappedName "clang++";
        clang = unwrappedName "clang";
        "clang++" = unwrappedName "clang++";
      }
    else
      {
        cc = unwrappedName "gcc";
        gcc = unwrappedName "gcc";
        cpp = unwrappedName "cpp";
        "c++" = unwrappedName "g++";
        "g++" = unwrappedName "g++";
      };
  bintoolNames = [
    "as"
    "ld"
    "ar"
    "ranlib"
    "strip"
    "objdump"
    "objcopy"
    "nm"
    "readelf"
    "size"
  ];
in
stdenvNoCC.mkDerivation {
  pname = targetPrefix + (if name != "" then name else "${ccName}-wrapper");
  version = lib.getVersion cc;

  dontUnpack = true;
  dontConfigure = true;
  dontBuild = true;
  dontFixup = true;

  wrapperTemplate = ./cc-wrapper.sh;
  inherit suffixSalt targetPrefix;
  machineFlags = lib.escapeShellArgs machineFlags;
  linkFlags = lib.escapeShellArgs (lib.optional (targetPlatform.isStatic or false) "-static");
  addRpath = if targetPlatform.isElf or false then "1" else "0";
  toolsDir = if isClang then "" else "${bintools.bintools or bintools}/lib/compiler-tools";
  toolNames = b.concatStringsSep " " (b.attrNames tools);
  toolTargets = b.concatStringsSep " " (b.attrValues tools);
  bintoolNames = b.concatStringsSep " " bintoolNames;
  bintoolsBin = "${bintools}/bin";

  installPhase = ''
    mkdir -p "$out/bin" "$out/nix-support"
    set -- $toolTargets
    for tool in $toolNames; do
      real=$1; shift
      sed -e "s|@shell@|$SHELL|g" \
          -e "s|@real@|$real|g" \
          -e "s|@suffixSalt@|$suffixSalt|g" \
          -e "s|@machineFlags@|$machineFlags|g" \
          -e "s|@linkFlags@|$linkFlags|g" \
          -e "s|@addRpath@|$addRpath|g" \
          -e "s|@toolsDir@|$toolsDir|g" \
          "$wrapperTemplate" > "$out/bin/$targetPrefix$tool"
      chmod +x "$out/bin/$targetPrefix$tool"
    done
    for tool in $bintoolNames; do
      if [ -e "$bintoolsBin/$targetPrefix$tool" ]; then
        ln -s "$bintoolsBin/$targetPrefix$tool" "$out/bin/$targetPrefix$tool"
      fi
    done
    echo "$targetPrefix" > "$out/nix-support/target-prefix"
    echo "$suffixSalt" > "$out/nix-support/suffix-salt"
  '';

  passthru = {
    inherit
      targetPrefix
      cc
      bintools
      libc
      isClang
      suffixSalt
      ;
    isGNU = !isClang;
    nativeTools = false;
    nativeLibc = false;
    nativePrefix = "";
  };

  meta.description = "Wrapper of ${lib.getName cc} ${lib.getVersion cc} for ${targetPlatform.config}";
}
