# qemu-user from this machine (Debian package qemu-user).  Each
# bin/qemu-<arch> runs /usr/bin/qemu-<arch> with QEMU_LD_PREFIX defaulting to
# the Debian cross sysroot of that architecture, so dynamically linked
# foreign programs find their loader and libc.
{ lib, stdenvNoCC }:
let
  # qemu arch → Debian sysroot used when QEMU_LD_PREFIX is not set.
  sysroots = {
    aarch64 = "/usr/aarch64-linux-gnu";
    arm = "/usr/arm-linux-gnueabihf";
    riscv64 = "/usr/riscv64-linux-gnu";
    ppc64le = "/usr/powerpc64le-linux-gnu";
    ppc64 = "/usr/powerpc64-linux-gnu";
    s390x = "/usr/s390x-linux-gnu";
    mips64el = "/usr/mips64el-linux-gnuabi64";
    mipsel = "/usr/mipsel-linux-gnu";
    mips = "/usr/mips-linux-gnu";
    i386 = "/";
    x86_64 = "/";
  };
in
stdenvNoCC.mkDerivation {
  pname = "qemu-user";
  version = "7.2";
  dontUnpack = true;
  dontConfigure = true;
  dontBuild = true;
  dontFixup = true;
  sysrootTable = lib.concatStringsSep " " (lib.mapAttrsToList (arch: dir: "${arch}=${dir}") sysroots);
  installPhase = ''
    if [ ! -x /usr/bin/qemu-aarch64 ]; then
      echo "error: qemu-user is not installed on this machine; install it with: apt-get install -y qemu-user" >&2
      exit 1
    fi
    mkdir -p "$out/bin"
    for entry in $sysrootTable; do
      arch=''${entry%%=*}
      dir=''${entry#*=}
      [ -x "/usr/bin/qemu-$arch" ] || continue
      printf '#!%s\nexport QEMU_LD_PREFIX="${"$"}{QEMU_LD_PREFIX:-%s}"\nexec /usr/bin/qemu-%s "$@"\n' \
        "$SHELL" "$dir" "$arch" > "$out/bin/qemu-$arch"
      chmod +x "$out/bin/qemu-$arch"
    done
  '';
  meta.description = "qemu-user from this machine, with Debian cross sysroots as library prefixes";
}
