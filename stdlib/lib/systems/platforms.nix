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

    # Marvell Kirkwood plug computers (ARMv5TE, soft float).
    sheevaplug.gcc = {
      arch = "armv5te";
      float = "soft";
    };
    pogoplug4 = sheevaplug;

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

  # `gcc.arch` values that can run code built for other ones: each entry lists
  # the architectures directly below it; `archCanExecute` closes this relation.
  archBelow = {
    x86-64-v2 = [ "x86-64" ];
    x86-64-v3 = [ "x86-64-v2" ];
    x86-64-v4 = [ "x86-64-v3" ];
    nehalem = [ "x86-64-v2" ];
    westmere = [ "nehalem" ];
    sandybridge = [ "westmere" ];
    ivybridge = [ "sandybridge" ];
    haswell = [ "ivybridge" "x86-64-v3" ];
    broadwell = [ "haswell" ];
    skylake = [ "broadwell" ];
    skylake-avx512 = [ "skylake" "x86-64-v4" ];
    btver1 = [ "x86-64" ];
    btver2 = [ "x86-64-v2" ];
    znver1 = [ "skylake" ];
    znver2 = [ "znver1" ];
    znver3 = [ "znver2" ];
    znver4 = [ "znver3" "x86-64-v4" ];
    znver5 = [ "znver4" ];
    "armv8.1-a" = [ "armv8-a" ];
    "armv8.2-a" = [ "armv8.1-a" ];
    "armv8.3-a" = [ "armv8.2-a" ];
    "armv8.4-a" = [ "armv8.3-a" ];
    "armv8.5-a" = [ "armv8.4-a" ];
    "armv8.6-a" = [ "armv8.5-a" ];
    "armv8.7-a" = [ "armv8.6-a" ];
    "armv8.8-a" = [ "armv8.7-a" ];
    "armv8.9-a" = [ "armv8.8-a" ];
    armv9-a = [ "armv8.5-a" ];
    "armv9.1-a" = [ "armv9-a" "armv8.6-a" ];
    "armv9.2-a" = [ "armv9.1-a" "armv8.7-a" ];
    "armv9.3-a" = [ "armv9.2-a" "armv8.8-a" ];
    "armv9.4-a" = [ "armv9.3-a" ];
    cortex-a53 = [ "armv8-a" ];
    cortex-a72 = [ "armv8-a" ];
    cortex-a55 = [ "armv8.2-a" "cortex-a53" "cortex-a72" ];
    cortex-a76 = [ "armv8.2-a" "cortex-a53" "cortex-a72" ];
    "la64v1.0" = [ "loongarch64" ];
    la464 = [ "la64v1.0" ];
    "la64v1.1" = [ "la64v1.0" ];
    la664 = [ "la464" "la64v1.1" ];
  };

  archInferiors =
    arch:
    map (x: x.key) (
      b.genericClosure {
        startSet = map (key: { inherit key; }) (archBelow.${arch} or [ ]);
        operator = x: map (key: { inherit key; }) (archBelow.${x.key} or [ ]);
      }
    );
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
    The other `gcc.arch` values whose code a machine of architecture `arch` can run.

    # Example
    ```nix
    archInferiors "x86-64-v3"
    => [ "x86-64-v2" "x86-64" ]
    ```
  */
  inherit archInferiors;

  /**
    True if a machine whose compiler targets `gcc.arch = host` can run code built
    with `gcc.arch = target`: the same architecture, or one below it.

    # Example
    ```nix
    archCanExecute "x86-64-v3" "x86-64-v2"
    => true
    ```
  */
  archCanExecute = host: target: host == target || b.elem target (archInferiors host);
}
