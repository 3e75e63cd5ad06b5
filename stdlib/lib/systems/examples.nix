# Example platforms, usable as `localSystem`/`crossSystem` and as the names of
# `pkgsCross.*`.  Each is a partial platform (mostly just `config`) that
# `lib.systems.elaborate` completes.
{ lib }:
let
  presets = import ./platforms.nix { inherit lib; };

  cfg = config: { inherit config; };
  newlib = config: {
    inherit config;
    libc = "newlib";
  };
  android = {
    androidSdkVersion = "35";
    androidNdkVersion = "27";
  };
  darwinSdk = {
    darwinSdkVersion = "14.3";
    xcodeVer = "12.3";
    useiOSPrebuilt = true;
  };
in
rec {
  # --- Linux -------------------------------------------------------------

  powernv = cfg "powerpc64le-unknown-linux-gnu";
  # Not in nixpkgs (which calls it `powernv`); kept as a plainly named alias.
  ppc64le = powernv;
  musl-power = cfg "powerpc64le-unknown-linux-musl";

  ppc64-elfv1 = cfg "powerpc64-unknown-linux-gnuabielfv1";
  ppc64-elfv2 = cfg "powerpc64-unknown-linux-gnuabielfv2";
  ppc64 = ppc64-elfv2;
  ppc64-musl = cfg "powerpc64-unknown-linux-musl" // {
    gcc.abi = "elfv2";
  };
  ppc32 = cfg "powerpc-unknown-linux-gnu" // {
    rust.rustcTarget = "powerpc-unknown-linux-gnu";
  };

  armv5tel-multiplatform = cfg "armv5tel-unknown-linux-gnueabi";
  sheevaplug = cfg "armv5tel-unknown-linux-gnueabi" // presets.sheevaplug;
  pogoplug4 = cfg "armv5tel-unknown-linux-gnueabi" // presets.pogoplug4;
  raspberryPi = cfg "armv6l-unknown-linux-gnueabihf" // presets.raspberrypi;
  muslpi = raspberryPi // cfg "armv6l-unknown-linux-musleabihf";
  bluefield2 = cfg "aarch64-unknown-linux-gnu" // presets.bluefield2;
  remarkable1 = cfg "armv7l-unknown-linux-gnueabihf" // presets.zero-gravitas;
  remarkable2 = cfg "armv7l-unknown-linux-gnueabihf" // presets.zero-sugar;
  armv7l-hf-multiplatform = cfg "armv7l-unknown-linux-gnueabihf";
  aarch64-multiplatform = cfg "aarch64-unknown-linux-gnu";
  aarch64-multiplatform-musl = cfg "aarch64-unknown-linux-musl";

  armv7a-android-prebuilt =
    cfg "armv7a-unknown-linux-androideabi"
    // android
    // {
      rust.rustcTarget = "armv7-linux-androideabi";
      useAndroidPrebuilt = true;
    }
    // presets.armv7a-android;
  aarch64-android-prebuilt =
    cfg "aarch64-unknown-linux-android"
    // android
    // {
      rust.rustcTarget = "aarch64-linux-android";
      useAndroidPrebuilt = true;
    };
  aarch64-android =
    cfg "aarch64-unknown-linux-android"
    // android
    // {
      libc = "bionic";
      useAndroidPrebuilt = false;
      useLLVM = true;
    };

  ben-nanonote = cfg "mipsel-unknown-linux-uclibc" // presets.ben_nanonote;
  fuloongminipc = cfg "mipsel-unknown-linux-gnu" // presets.fuloong2f_n32;
  mips-linux-gnu = cfg "mips-unknown-linux-gnu" // presets.gcc_mips32r2_o32;
  mipsel-linux-gnu = cfg "mipsel-unknown-linux-gnu" // presets.gcc_mips32r2_o32;
  mips64-linux-gnuabin32 = cfg "mips64-unknown-linux-gnuabin32" // presets.gcc_mips64r2_n32;
  mips64el-linux-gnuabin32 = cfg "mips64el-unknown-linux-gnuabin32" // presets.gcc_mips64r2_n32;
  mips64-linux-gnuabi64 = cfg "mips64-unknown-linux-gnuabi64" // presets.gcc_mips64r2_64;
  mips64el-linux-gnuabi64 = cfg "mips64el-unknown-linux-gnuabi64" // presets.gcc_mips64r2_64;

  gnu64 = cfg "x86_64-unknown-linux-gnu";
  gnu32 = cfg "i686-unknown-linux-gnu";
  musl64 = cfg "x86_64-unknown-linux-musl";
  musl32 = cfg "i686-unknown-linux-musl";

  riscv64 = cfg "riscv64-unknown-linux-gnu";
  riscv32 = cfg "riscv32-unknown-linux-gnu";
  riscv64-musl = cfg "riscv64-unknown-linux-musl";

  loongarch64-linux = lib.attrsets.recursiveUpdate presets.loongarch64-multiplatform (
    cfg "loongarch64-unknown-linux-gnu"
  );
  loongarch64-linux-embedded = lib.attrsets.recursiveUpdate presets.loongarch64-multiplatform {
    config = "loongarch64-unknown-linux-gnu";
    gcc = {
      arch = "loongarch64";
      strict-align = true;
    };
  };

  m68k = cfg "m68k-unknown-linux-gnu";
  arc = cfg "arc-unknown-linux-gnu";
  sh4 = cfg "sh4-unknown-linux-gnu";
  s390 = cfg "s390-unknown-linux-gnu";
  s390x = cfg "s390x-unknown-linux-gnu";

  # --- Bare metal --------------------------------------------------------

  riscv64-embedded = newlib "riscv64-none-elf";
  riscv32-embedded = newlib "riscv32-none-elf";
  mips64-embedded = newlib "mips64-none-elf";
  mips-embedded = newlib "mips-none-elf";
  mmix = newlib "mmix-unknown-mmixware";
  rx-embedded = newlib "rx-none-elf";
  msp430 = newlib "msp430-elf";
  avr = cfg "avr";
  vc4 = newlib "vc4-elf";
  or1k = newlib "or1k-elf";
  arm-embedded = newlib "arm-none-eabi";
  arm-embedded-nano = cfg "arm-none-eabi" // {
    libc = "newlib-nano";
  };
  armhf-embedded = newlib "arm-none-eabihf" // {
    gcc = {
      arch = "armv5t";
      fpu = "vfp";
    };
  };
  aarch64-embedded = newlib "aarch64-none-elf" // {
    rust.rustcTarget = "aarch64-unknown-none";
  };
  aarch64be-embedded = newlib "aarch64_be-none-elf";
  ppc-embedded = newlib "powerpc-none-eabi";
  ppcle-embedded = newlib "powerpcle-none-eabi";
  i686-embedded = newlib "i686-elf";
  x86_64-embedded = newlib "x86_64-elf";
  microblaze-embedded = newlib "microblazeel-none-elf";

  # --- Darwin ------------------------------------------------------------

  iphone64 =
    cfg "arm64-apple-ios"
    // darwinSdk
    // {
      xcodePlatform = "iPhoneOS";
    };
  iphone32 =
    cfg "armv7a-apple-ios"
    // darwinSdk
    // {
      xcodePlatform = "iPhoneOS";
    };
  iphone32-simulator =
    cfg "i686-apple-ios"
    // darwinSdk
    // {
      xcodePlatform = "iPhoneSimulator";
      darwinPlatform = "ios-simulator";
    };
  iphone64-simulator =
    cfg "x86_64-apple-ios"
    // darwinSdk
    // {
      xcodePlatform = "iPhoneSimulator";
      darwinPlatform = "ios-simulator";
    };
  aarch64-darwin = cfg "arm64-apple-darwin" // {
    xcodePlatform = "MacOSX";
    platform = { };
  };
  x86_64-darwin = cfg "x86_64-apple-darwin" // {
    xcodePlatform = "MacOSX";
    platform = { };
  };

  # --- Redox -------------------------------------------------------------

  x86_64-unknown-redox = cfg "x86_64-unknown-redox" // {
    libc = "relibc";
  };

  # --- UEFI --------------------------------------------------------------

  x86_64-unknown-uefi = cfg "x86_64-unknown-uefi" // {
    libc = null;
    useLLVM = true;
    linker = "lld";
  };
  aarch64-unknown-uefi = cfg "aarch64-unknown-uefi" // {
    libc = null;
    useLLVM = true;
    linker = "lld";
  };

  # --- Windows -----------------------------------------------------------

  # The libc choice is what tells the mingw (non-POSIX) toolchains apart.
  mingw-msvcrt-i686 = cfg "i686-w64-mingw32" // {
    libc = "msvcrt";
  };
  mingw-msvcrt-x86_64 = cfg "x86_64-w64-mingw32" // {
    libc = "msvcrt";
  };
  mingw-ucrt-x86_64 = cfg "x86_64-w64-mingw32" // {
    libc = "ucrt";
  };
  mingw-ucrt-x86_64-llvm = cfg "x86_64-w64-mingw32" // {
    libc = "ucrt";
    rust.rustcTarget = "x86_64-pc-windows-gnullvm";
    useLLVM = true;
  };
  mingw-ucrt-aarch64 = cfg "aarch64-w64-mingw32" // {
    libc = "ucrt";
    rust.rustcTarget = "aarch64-pc-windows-gnullvm";
    useLLVM = true;
  };
  mingw32 = mingw-msvcrt-i686;
  mingwW64 = mingw-msvcrt-x86_64;
  ucrt64 = mingw-ucrt-x86_64;
  ucrtAarch64 = mingw-ucrt-aarch64;

  x86_64-windows = cfg "x86_64-pc-windows-msvc" // {
    useLLVM = true;
  };
  aarch64-windows = cfg "aarch64-pc-windows-msvc" // {
    useLLVM = true;
  };
  x86_64-cygwin = cfg "x86_64-pc-cygwin";

  # --- BSDs --------------------------------------------------------------

  aarch64-freebsd = cfg "aarch64-unknown-freebsd" // {
    useLLVM = true;
  };
  x86_64-freebsd = cfg "x86_64-unknown-freebsd" // {
    useLLVM = true;
  };
  x86_64-netbsd = cfg "x86_64-unknown-netbsd";
  x86_64-netbsd-llvm = cfg "x86_64-unknown-netbsd" // {
    useLLVM = true;
  };
  x86_64-openbsd = cfg "x86_64-unknown-openbsd" // {
    useLLVM = true;
  };

  # --- WebAssembly and JavaScript -----------------------------------------

  wasi32 = cfg "wasm32-unknown-wasi" // {
    useLLVM = true;
  };
  wasm32-unknown-none = cfg "wasm32-unknown-none" // {
    rust.rustcTarget = "wasm32-unknown-unknown";
    useLLVM = true;
  };
  ghcjs = cfg "javascript-unknown-ghcjs";
}
