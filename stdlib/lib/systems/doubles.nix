# Nix system doubles (`<cpu>-<kernel>`) known to nixpkgs, and sub-lists of them
# selected by platform predicates.  `lib.platforms` is this set.
{ lib }:
let
  b = builtins;
  with' = kernel: cpus: map (cpu: "${cpu}-${kernel}") cpus;

  all = b.concatLists [
    (with' "cygwin" [ "i686" "x86_64" ])
    (with' "darwin" [ "x86_64" "aarch64" ])
    (with' "freebsd" [ "i686" "x86_64" "aarch64" ])
    (with' "genode" [ "aarch64" "i686" "x86_64" ])
    [ "x86_64-solaris" "javascript-ghcjs" ]
    (with' "linux" [
      "aarch64" "arc" "armv5tel" "armv6l" "armv7a" "armv7l" "i686" "loongarch64" "m68k" "sh4"
      "microblaze" "microblazeel" "mips" "mips64" "mips64el" "mipsel" "powerpc" "powerpc64"
      "powerpc64le" "riscv32" "riscv64" "s390" "s390x" "x86_64"
    ])
    [ "mmix-mmixware" ]
    (with' "netbsd" [
      "aarch64" "armv6l" "armv7a" "armv7l" "i686" "m68k" "mipsel" "powerpc" "riscv32" "riscv64"
      "x86_64"
    ])
    (with' "none" [
      "aarch64_be" "aarch64" "arm" "armv6l" "avr" "i686" "microblaze" "microblazeel" "mips"
      "mips64" "msp430" "or1k" "m68k" "powerpc" "powerpcle" "riscv32" "riscv64" "rx" "s390"
      "s390x" "vc4" "x86_64"
    ])
    (with' "openbsd" [ "i686" "x86_64" ])
    [ "x86_64-redox" ]
    (with' "wasi" [ "wasm64" "wasm32" ])
    (with' "windows" [ "aarch64" "x86_64" "i686" ])
    (with' "uefi" [ "aarch64" "x86_64" ])
  ];

  parsedAll = map (system: {
    inherit system;
    parsed = lib.systems.parse.mkSystemFromString system;
  }) all;

  p = lib.systems.inspect.predicates;

  select = pred: map (e: e.system) (b.filter (e: pred e.parsed) parsedAll);
in
{
  /**
    Every known system double, in a fixed order.
  */
  inherit all;

  none = [ ];

  arm = select p.isAarch32;
  armv7 = select p.isArmv7;
  aarch = select p.isAarch;
  aarch64 = select p.isAarch64;
  x86 = select p.isx86;
  i686 = select p.isi686;
  x86_64 = select p.isx86_64;
  microblaze = select p.isMicroBlaze;
  mips = select p.isMips;
  mmix = select p.isMmix;
  power = select p.isPower;
  riscv = select p.isRiscV;
  riscv32 = select p.isRiscV32;
  riscv64 = select p.isRiscV64;
  rx = select p.isRx;
  vc4 = select p.isVc4;
  or1k = select p.isOr1k;
  m68k = select p.isM68k;
  arc = select p.isArc;
  sh4 = select p.isSh4;
  s390 = select p.isS390;
  s390x = select p.isS390x;
  loongarch64 = select p.isLoongArch64;
  js = select p.isJavaScript;

  bigEndian = select p.isBigEndian;
  littleEndian = select p.isLittleEndian;

  cygwin = select p.isCygwin;
  darwin = select p.isDarwin;
  freebsd = select p.isFreeBSD;
  genode = select p.isGenode;
  linux = select p.isLinux;
  netbsd = select p.isNetBSD;
  openbsd = select p.isOpenBSD;
  redox = select p.isRedox;
  illumos = select p.isSunOS;
  unix = select p.isUnix;
  wasi = select p.isWasi;
  windows = select p.isWindows;
  uefi = select p.isUefi;
  embedded = select p.isNone;

  # Linux doubles grouped by their GNU ABI flavour.
  gnu = b.concatMap (
    abi:
    select (lib.attrsets.matchAttrs {
      kernel = lib.systems.parse.kernels.linux;
      abi = lib.systems.parse.abis.${abi};
    })
  ) [ "gnu" "gnueabi" "gnueabihf" "gnuabin32" "gnuabi64" "gnuabielfv1" "gnuabielfv2" ];
}
