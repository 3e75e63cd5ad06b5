# Per-platform compiler defaults (`gcc` settings) that `elaborate` adds when
# the user gave none, plus the named presets `examples.nix` builds on.  Only
# the `gcc` part of nixpkgs' presets is modelled (no kernel configuration).
{ lib }:
let
  b = builtins;

  presets = rec {
    armv5tel-multiplatform.gcc = {
      arch = "armv5te";
    };

    raspberrypi.gcc = {
      arch = "armv6kz";
      fpu = "vfpv2";
    };

    armv7l-hf-multiplatform.gcc = {
      arch = "armv7-a";
      fpu = "vfpv3-d16";
    };

    # Kept for old configurations that name it.
    raspberrypi2 = armv7l-hf-multiplatform;

    armv7a-android.gcc = {
      arch = "armv7-a";
      float-abi = "softfp";
      fpu = "vfpv3-d16";
    };

    zero-gravitas.gcc = {
      fpu = "neon";
      cpu = "cortex-a9";
    };

    zero-sugar.gcc = {
      cpu = "cortex-a7";
      fpu = "neon-vfpv4";
      float-abi = "hard";
    };

    aarch64-multiplatform.gcc = {
      arch = "armv8-a";
    };

    bluefield2.gcc = {
      arch = "armv8-a+fp+simd+crc+crypto";
    };

    apple-m1.gcc = {
      arch = "armv8.3-a+crypto+sha2+aes+crc+fp16+lse+simd+ras+rdm+rcpc";
      cpu = "apple-a13";
    };

    ben_nanonote.gcc = {
      arch = "mips32";
      float = "soft";
    };

    fuloong2f_n32.gcc = {
      arch = "loongson2f";
      float = "hard";
      abi = "n32";
    };

    gcc_mips32r2_o32.gcc = {
      arch = "mips32r2";
      abi = "32";
    };

    gcc_mips32r6_o32.gcc = {
      arch = "mips32r6";
      abi = "32";
    };

    gcc_mips64r2_n32.gcc = {
      arch = "mips64r2";
      abi = "n32";
    };

    gcc_mips64r6_n32.gcc = {
      arch = "mips64r6";
      abi = "n32";
    };

    gcc_mips64r2_64.gcc = {
      arch = "mips64r2";
      abi = "64";
    };

    gcc_mips64r6_64.gcc = {
      arch = "mips64r6";
      abi = "64";
    };

    loongarch64-multiplatform.gcc = {
      arch = "la64v1.0";
      strict-align = false;
      cmodel = "medium";
    };
  };

  # x86-64 micro-architecture levels: each level runs code for the ones below.
  x86Levels = [ "x86-64" "x86-64-v2" "x86-64-v3" "x86-64-v4" ];
in
presets
// {
  /**
    Default settings for a platform that has none: `{ gcc = …; }` or `{ }`.
    32-bit ARM is chosen by architecture version, aarch64 by Darwin or not,
    plus loongarch64 and mipsel.

    # Example
    ```nix
    (select (lib.systems.elaborate "armv6l-linux")).gcc.arch
    => "armv6kz"
    ```
  */
  select =
    platform:
    if platform.isAarch32 then
      (
        let
          v = platform.parsed.cpu.version or null;
        in
        if v == null then
          { }
        else if lib.strings.versionOlder v "6" then
          presets.armv5tel-multiplatform
        else if lib.strings.versionOlder v "7" then
          presets.raspberrypi
        else
          presets.armv7l-hf-multiplatform
      )
    else if platform.isAarch64 then
      (if platform.isDarwin then presets.apple-m1 else presets.aarch64-multiplatform)
    else if platform.isLoongArch64 then
      presets.loongarch64-multiplatform
    else if platform.parsed.cpu.name == "mipsel" then
      presets.gcc_mips32r2_o32
    else
      { };

  /**
    True if a machine whose compiler targets `gcc.arch = host` can run code built
    with `gcc.arch = target`: equal strings, or a lower x86-64 level.

    # Example
    ```nix
    archCanExecute "x86-64-v3" "x86-64-v2"
    => true
    ```
  */
  archCanExecute =
    host: target:
    host == target
    || (
      let
        hi = lib.lists.findFirstIndex (x: x == host) null x86Levels;
        lo = lib.lists.findFirstIndex (x: x == target) null x86Levels;
      in
      hi != null && lo != null && lo <= hi
    );
}
