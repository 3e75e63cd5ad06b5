# Toolchains taken from this machine's Debian packages (no binary cache, no
# compiler built from source).
#
# `gcc version` is an "unwrapped GCC" for the stage's platforms (b, h, t): a
# store path whose bin/ links (or, where fixed flags are needed, small
# scripts) point at the Debian compiler that runs on b and emits code for t:
#
#   x86_64 glibc          gcc-<major>                        (Debian gcc-<major>)
#   i686 glibc            gcc-<major> -m32                   (gcc-<major>-multilib)
#   x86_64 musl           gcc-<major> -specs musl-gcc.specs  (musl-tools)
#   other glibc Linux     <debian triple>-gcc-<major>        (gcc-<major>-<debian triple>)
#   x86_64/i686 MinGW     <triple>-gcc-<major>-win32         (gcc-mingw-w64-x86-64 / -i686; GCC 12 only)
#
# Evaluation never looks at the machine: the table below is data.  Building
# checks that the binaries exist and otherwise fails with a sentence naming
# the Debian package to install, or saying that Debian has no such compiler
# (GCC 11 for riscv64, for instance).
{ lib, stdenv }:
let
  b = builtins;
  inherit (stdenv) buildPlatform hostPlatform targetPlatform;

  targetPrefix = lib.optionalString (targetPlatform != hostPlatform) "${targetPlatform.config}-";

  # cross.md §9.1 (the seed's naming): "<target>-stage-final-" for a compiler
  # whose target differs from its host.
  crossNameAddon = lib.optionalString (targetPlatform != hostPlatform) "${targetPlatform.config}-stage-final-";

  # Debian's name for a GNU/Linux target (its multiarch triple), or null.
  debianTriple =
    t:
    let
      cpu = t.parsed.cpu.name;
      abi = t.parsed.abi.name;
    in
    if !(t.isLinux && t.isGnu) then
      null
    else if t.isAarch64 && t.isLittleEndian then
      "aarch64-linux-gnu"
    else if t.isAarch32 && abi == "gnueabihf" then
      "arm-linux-gnueabihf"
    else if t.isAarch32 && abi == "gnueabi" then
      "arm-linux-gnueabi"
    else if cpu == "powerpc64le" then
      "powerpc64le-linux-gnu"
    else if cpu == "powerpc64" then
      "powerpc64-linux-gnu"
    else if cpu == "powerpc" then
      "powerpc-linux-gnu"
    else if cpu == "s390x" then
      "s390x-linux-gnu"
    else if cpu == "riscv64" then
      "riscv64-linux-gnu"
    else if cpu == "mips64el" && abi == "gnuabi64" then
      "mips64el-linux-gnuabi64"
    else if cpu == "mips64" && abi == "gnuabi64" then
      "mips64-linux-gnuabi64"
    else if cpu == "mipsel" then
      "mipsel-linux-gnu"
    else if cpu == "mips" then
      "mips-linux-gnu"
    else if cpu == "sparc64" then
      "sparc64-linux-gnu"
    else if cpu == "m68k" then
      "m68k-linux-gnu"
    else if cpu == "sh4" then
      "sh4-linux-gnu"
    else if cpu == "alpha" then
      "alpha-linux-gnu"
    else if cpu == "x86_64" then
      "x86_64-linux-gnu"
    else if t.isx86_32 then
      "i686-linux-gnu"
    else
      null;

  # GCC versions that Debian 12 does not package for a target triple.
  debianLacks = {
    "riscv64-linux-gnu" = [ "11" ];
  };

  /**
    What this machine's Debian packages offer for GCC `major` emitting code
    for `t`: `{ ok; reason; gcc; gxx; cpp; flags; packages; gxxPackages;
    binutilsPrefix; binutilsPackage; }`.
  */
  debianGcc =
    major: t:
    let
      triple = debianTriple t;
      refuse = reason: {
        ok = false;
        inherit reason;
      };
      nativeX86 = flags: extraPackages: {
        ok = true;
        gcc = "/usr/bin/gcc-${major}";
        gxx = "/usr/bin/g++-${major}";
        cpp = "/usr/bin/cpp-${major}";
        inherit flags;
        packages = [ "gcc-${major}" ] ++ extraPackages;
        gxxPackages = [ "g++-${major}" ] ++ extraPackages;
        binutilsPrefix = "/usr/bin/";
        binutilsPackage = "binutils";
      };
      mingw = arch: pkgArch: {
        ok = major == "12";
        reason = "Debian 12 packages the MinGW-w64 cross compiler only as GCC 12 (gcc-mingw-w64-${pkgArch}); use gcc12, e.g. with the overlay (self: super: { gcc = self.gcc12; })";
        gcc = "/usr/bin/${arch}-w64-mingw32-gcc-${major}-win32";
        gxx = "/usr/bin/${arch}-w64-mingw32-g++-${major}-win32";
        cpp = "/usr/bin/${arch}-w64-mingw32-cpp-${major}-win32";
        flags = [ ];
        packages = [ "gcc-mingw-w64-${pkgArch}" ];
        gxxPackages = [ "g++-mingw-w64-${pkgArch}" ];
        binutilsPrefix = "/usr/bin/${arch}-w64-mingw32-";
        binutilsPackage = "binutils-mingw-w64-${pkgArch}";
      };
    in
    if t.isLinux && t.isGnu && t.isx86_64 then
      nativeX86 [ ] [ ]
    else if t.isLinux && t.isGnu && t.isx86_32 then
      # Debian's kernel headers for x86 (asm/) serve both widths but live
      # only under the x86_64 directory (gcc-multilib would link them to
      # /usr/include/asm, and it conflicts with the cross compilers).
      nativeX86 [
        "-m32"
        "-idirafter"
        "/usr/include/x86_64-linux-gnu"
      ] [ "gcc-${major}-multilib" ]
    else if t.isLinux && t.isMusl && t.isx86_64 then
      nativeX86 [
        "-specs"
        "/usr/lib/x86_64-linux-musl/musl-gcc.specs"
      ] [ "musl-tools" ]
    else if t.isMinGW && t.isx86_64 then
      mingw "x86_64" "x86-64"
    else if t.isMinGW && t.isx86_32 then
      mingw "i686" "i686"
    else if triple != null then
      if b.elem major (debianLacks.${triple} or [ ]) then
        refuse "Debian 12 has no GCC ${major} for ${t.config}: it packages only ${
          lib.concatMapStringsSep ", " (v: "gcc-${v}-${triple}") (b.filter (v: !(b.elem v debianLacks.${triple})) [ "11" "12" ])
        }; build with GCC 12 instead, e.g. with the overlay (self: super: { gcc = self.gcc12; })"
      else
        {
          ok = true;
          gcc = "/usr/bin/${triple}-gcc-${major}";
          gxx = "/usr/bin/${triple}-g++-${major}";
          cpp = "/usr/bin/${triple}-cpp-${major}";
          flags = [ ];
          packages = [ "gcc-${major}-${triple}" ];
          gxxPackages = [ "g++-${major}-${triple}" ];
          binutilsPrefix = "/usr/bin/${triple}-";
          binutilsPackage = "binutils-${triple}";
        }
    else
      refuse "no Debian package provides GCC ${major} emitting code for ${t.config}";

  runsHere =
    if buildPlatform.canExecute hostPlatform then
      null
    else
      "this compiler would run on ${hostPlatform.config}, which the build platform ${buildPlatform.config} cannot execute; only compilers that run on the build machine are taken from its Debian packages";

  # The build fails with `reason` when there is one; the derivation still
  # evaluates, so names and store paths stay available everywhere.
  refusal = reason: ''
    echo "error: ${reason}" >&2
    exit 1
  '';

  gcc =
    version:
    let
      major = lib.versions.major version;
      debian = debianGcc major targetPlatform;
      reason = if runsHere != null then runsHere else if !debian.ok then debian.reason else null;
      script =
        tool: real: packages:
        ''
          cat > "$out/bin/${targetPrefix}${tool}" <<EOF
          #!$SHELL
          if [ ! -x ${real} ]; then
            echo "error: ${real} is missing; install it with: apt-get install -y ${b.concatStringsSep " " packages}" >&2
            exit 1
          fi
          exec ${real} ${lib.escapeShellArgs debian.flags} "\$@"
          EOF
          chmod +x "$out/bin/${targetPrefix}${tool}"
        '';
    in
    stdenv.mkDerivation {
      pname = "${crossNameAddon}gcc";
      inherit version;
      dontUnpack = true;
      dontConfigure = true;
      dontBuild = true;
      dontFixup = true;
      installPhase =
        if reason != null then
          refusal reason
        else
          ''
            if [ ! -x ${debian.gcc} ]; then
              echo "error: GCC ${version} for ${targetPlatform.config} needs ${debian.gcc}; install it with: apt-get install -y ${b.concatStringsSep " " debian.packages}" >&2
              exit 1
            fi
            mkdir -p "$out/bin" "$out/nix-support"
            ${script "gcc" debian.gcc debian.packages}
            ${script "cpp" debian.cpp debian.packages}
            ${script "g++" debian.gxx debian.gxxPackages}
            echo ${debian.gcc} > "$out/nix-support/debian-compiler"
            echo ${lib.escapeShellArg (b.concatStringsSep " " debian.packages)} > "$out/nix-support/debian-packages"
          '';
      passthru = {
        inherit targetPrefix;
        isGNU = true;
        langC = true;
        debianPackages = debian.packages or [ ];
        debianReason = reason;
      };
      meta.description = "GCC ${version} from this machine's Debian packages, emitting code for ${targetPlatform.config}";
    };

  binutils =
    let
      debian = debianGcc "12" targetPlatform;
      reason =
        if runsHere != null then
          runsHere
        else if !(debian ? binutilsPrefix) then
          "no Debian package provides binutils for ${targetPlatform.config}"
        else
          null;
      tools = [
        "as"
        "ld"
        "ld.bfd"
        "ar"
        "ranlib"
        "strip"
        "objdump"
        "objcopy"
        "nm"
        "readelf"
        "size"
        "strings"
        "addr2line"
      ];
    in
    stdenv.mkDerivation {
      pname = "${targetPrefix}binutils";
      version = "2.40";
      dontUnpack = true;
      dontConfigure = true;
      dontBuild = true;
      dontFixup = true;
      installPhase =
        if reason != null then
          refusal reason
        else
          ''
            if [ ! -x ${debian.binutilsPrefix}ld ]; then
              echo "error: binutils for ${targetPlatform.config} need ${debian.binutilsPrefix}ld; install it with: apt-get install -y ${debian.binutilsPackage}" >&2
              exit 1
            fi
            mkdir -p "$out/bin" "$out/lib/compiler-tools"
            for tool in ${b.concatStringsSep " " tools}; do
              if [ -e ${debian.binutilsPrefix}$tool ]; then
                ln -s ${debian.binutilsPrefix}$tool "$out/bin/${targetPrefix}$tool"
              fi
            done
            # Unprefixed as/ld for GCC's -B search (a native GCC looks for `as' on PATH).
            ln -s ${debian.binutilsPrefix}as "$out/lib/compiler-tools/as"
            ln -s ${debian.binutilsPrefix}ld "$out/lib/compiler-tools/ld"
          '';
      passthru = {
        inherit targetPrefix;
        debianPackage = debian.binutilsPackage or null;
      };
      meta.description = "GNU binutils from this machine's Debian packages, for ${targetPlatform.config}";
    };

  # Clang, for targets that want LLVM (FreeBSD, WASI, Darwin …).  Debian 12
  # ships clang-14; it is a multi-target compiler, so only `--target` differs.
  clang =
    let
      version = "14.0.6";
      reason = runsHere;
    in
    stdenv.mkDerivation {
      pname = "${crossNameAddon}clang";
      inherit version;
      dontUnpack = true;
      dontConfigure = true;
      dontBuild = true;
      dontFixup = true;
      installPhase =
        if reason != null then
          refusal reason
        else
          ''
            if [ ! -x /usr/bin/clang-14 ]; then
              echo "error: clang for ${targetPlatform.config} needs /usr/bin/clang-14; install it with: apt-get install -y clang-14 lld-14" >&2
              exit 1
            fi
            mkdir -p "$out/bin"
            for tool in clang clang++; do
              printf '#!%s\nexec /usr/bin/%s-14 --target=%s "$@"\n' "$SHELL" "$tool" ${targetPlatform.config} > "$out/bin/${targetPrefix}$tool"
              chmod +x "$out/bin/${targetPrefix}$tool"
            done
          '';
      passthru = {
        inherit targetPrefix;
        isClang = true;
      };
    };
in
{
  inherit
    gcc
    binutils
    clang
    debianGcc
    debianTriple
    targetPrefix
    crossNameAddon
    ;
}
