# Bootstrap tools for a package set whose machine this one can only emulate
# (aarch64, armv7l, riscv64 …): Debian's own packages of that architecture.
#
# The pinned table `debian-bootstrap/<debian arch>.nix` (written by
# tools/debian-bootstrap-table.py from the suite's Packages index) names each
# `.deb` by pool file and SHA-256.  Each is a fixed-output `builtin:fetchurl`
# of `mirror://debian/<pool file>`, so the mirror is this machine's apt
# archive and no host name is written down.  (Pinned fixed outputs rather
# than a private apt configuration resolving at build time: the store paths
# then depend on nothing of this machine, nothing runs apt or dpkg, and the
# same root comes back on every machine until the table is regenerated.)
# arm64 and armhf come from bookworm; riscv64 from trixie, the first Debian
# release with a riscv64 port.  `builtin:unpack-debs` (run
# inside tern, like the fetches) unpacks them into one merged-/usr root:
# bin, lib and sbin are links into usr/, absolute symlinks are made
# relative, and the links Debian's maintainer scripts would have made
# (sh, awk, gcc, cpp) are added.  That root is the stage-0 tools (its bin/
# holds bash, coreutils, sed, grep, make, tar, gcc-12, …).
#
# Every builder of the package set is a program of the foreign machine and
# runs under qemu-user.  The root's programs keep Debian's absolute paths
# (the dynamic loader /lib/ld-linux-*.so.*, gcc's /usr/include and
# /usr/lib/<triple>/crt1.o): `QEMU_LD_PREFIX` (set in every builder's
# environment through `builderEnv`) makes qemu look each absolute path up
# in the root first, so they all resolve to the root's files.
#
# `overlay` replaces the host toolchain (this machine's compilers, which
# cannot run on the emulated machine's side) with the root's GCC 12 and
# binutils.
{ lib, localSystem }:
let
  b = builtins;

  # Nix CPU name → Debian architecture of the pinned tables.
  debianArches = {
    aarch64 = "arm64";
    armv7l = "armhf";
    riscv64 = "riscv64";
  };
  arch = debianArches.${localSystem.parsed.cpu.name} or null;
  available = arch != null && localSystem.isLinux && localSystem.isGnu;
  table = import (./debian-bootstrap + "/${arch}.nix");

  # Store path names take no `~` (Debian's "before" mark in versions).
  fetchDeb =
    p:
    import ../../corepkgs/fetchurl.nix {
      name = b.replaceStrings [ "~" ] [ "_" ] (baseNameOf p.file);
      url = "mirror://debian/${p.file}";
      inherit (p) sha256;
    };

  root = derivation {
    name = "debian-bootstrap-${arch}-${table.suite}";
    system = "builtin";
    builder = "builtin:unpack-debs";
    debs = map fetchDeb table.packages;
    preferLocalBuild = true;
  };

  gccMajor = "12";

  refusal = reason: ''
    echo "error: ${reason}" >&2
    exit 1
  '';

  overlay = final: prev: {
    hostToolchain = prev.hostToolchain // {
      gcc =
        version:
        let
          major = lib.versions.major version;
        in
        final.stdenvNoCC.mkDerivation {
          pname = "gcc";
          inherit version;
          dontUnpack = true;
          dontConfigure = true;
          dontBuild = true;
          dontFixup = true;
          installPhase =
            if major != gccMajor then
              refusal "the Debian bootstrap root for ${localSystem.system} has GCC ${gccMajor} only, not ${major}; use gcc${gccMajor}"
            else
              # `--sysroot` names the root's headers, start files and libraries by
              # their store paths: qemu's `-L` prefix is not applied to every
              # system call (not to `statx`, which 32-bit glibc uses for `stat`),
              # so a compiler relying on it would miss `/usr/include/<triple>`.
              ''
                mkdir -p "$out/bin"
                for tool in gcc cpp g++; do
                  if [ -e ${root}/usr/bin/$tool-${major} ]; then
                    printf '#!%s\nexec %s --sysroot=%s "$@"\n' \
                      ${root}/bin/bash ${root}/usr/bin/$tool-${major} ${root} > "$out/bin/$tool"
                    chmod +x "$out/bin/$tool"
                  fi
                done
              '';
          passthru = {
            targetPrefix = "";
            isGNU = true;
            langC = true;
            debianPackages = [ ];
            debianReason = null;
          };
          meta.description = "GCC ${version} of Debian ${table.suite} for ${arch}, run under emulation";
        };
      binutils = final.stdenvNoCC.mkDerivation {
        pname = "binutils";
        version = "2.40";
        dontUnpack = true;
        dontConfigure = true;
        dontBuild = true;
        dontFixup = true;
        installPhase = ''
          mkdir -p "$out/bin" "$out/lib/compiler-tools"
          for tool in as ld ld.bfd ar ranlib strip objdump objcopy nm readelf size strings addr2line; do
            if [ -e ${root}/usr/bin/$tool ]; then
              ln -s ${root}/usr/bin/$tool "$out/bin/$tool"
            fi
          done
          ln -s ${root}/usr/bin/as "$out/lib/compiler-tools/as"
          ln -s ${root}/usr/bin/ld "$out/lib/compiler-tools/ld"
        '';
        passthru.targetPrefix = "";
        meta.description = "GNU binutils of Debian ${table.suite} for ${arch}, run under emulation";
      };
    };
    gcc = final.gcc12;
  };
in
{
  inherit available root overlay;
  tools = root;
  builderEnv = {
    QEMU_LD_PREFIX = "${root}";
  };
  packages = if available then table.packages else [ ];
}
