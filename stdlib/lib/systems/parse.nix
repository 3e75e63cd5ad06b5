# Parsed platforms: registries of CPU types, vendors, kernels, ABIs and
# executable formats, and the string <-> `{ cpu; vendor; kernel; abi; }`
# conversions.  Every component is a canonical value taken from a registry,
# tagged with `_type` and carrying the `name` it is registered under, so
# components compare structurally (`parsed.cpu == cpuTypes.aarch64`).
{ lib }:
let
  b = builtins;
  inherit (b) elemAt length head mapAttrs;
  inherit (lib.strings) hasPrefix concatStringsSep;

  # Tags every entry with `_type` and (unless it sets its own) `name`.
  register = type: mapAttrs (name: value: { inherit name; } // value // { _type = type; });

  significantBytes = register "significant-byte" {
    bigEndian = { };
    littleEndian = { };
  };

  be = significantBytes.bigEndian;
  le = significantBytes.littleEndian;

  cpu =
    bits: endian: family: extra:
    { inherit bits family; } // (if endian == null then { } else { significantByte = endian; }) // extra;

  arm = v: arch: { version = v; inherit arch; };

  cpuTypes =
    let
      table = register "cpu-type" {
        arm = cpu 32 le "arm" { };
        armv5tel = cpu 32 le "arm" (arm "5" "armv5t");
        armv6m = cpu 32 le "arm" (arm "6" "armv6-m");
        armv6l = cpu 32 le "arm" (arm "6" "armv6");
        armv7a = cpu 32 le "arm" (arm "7" "armv7-a");
        armv7r = cpu 32 le "arm" (arm "7" "armv7-r");
        armv7m = cpu 32 le "arm" (arm "7" "armv7-m");
        armv7l = cpu 32 le "arm" (arm "7" "armv7");
        armv8a = cpu 32 le "arm" (arm "8" "armv8-a");
        armv8r = cpu 32 le "arm" (arm "8" "armv8-a");
        armv8m = cpu 32 le "arm" (arm "8" "armv8-m");
        aarch64 = cpu 64 le "arm" (arm "8" "armv8-a");
        aarch64_be = cpu 64 be "arm" (arm "8" "armv8-a");

        i386 = cpu 32 le "x86" { arch = "i386"; };
        i486 = cpu 32 le "x86" { arch = "i486"; };
        i586 = cpu 32 le "x86" { arch = "i586"; };
        i686 = cpu 32 le "x86" { arch = "i686"; };
        x86_64 = cpu 64 le "x86" { arch = "x86-64"; };

        microblaze = cpu 32 be "microblaze" { };
        microblazeel = cpu 32 le "microblaze" { };

        mips = cpu 32 be "mips" { };
        mipsel = cpu 32 le "mips" { };
        mips64 = cpu 64 be "mips" { };
        mips64el = cpu 64 le "mips" { };

        mmix = cpu 64 be "mmix" { };
        m68k = cpu 32 be "m68k" { };
        sh4 = cpu 32 le "sh" { };

        powerpc = cpu 32 be "power" { };
        powerpc64 = cpu 64 be "power" { };
        powerpc64le = cpu 64 le "power" { };
        powerpcle = cpu 32 le "power" { };

        riscv32 = cpu 32 le "riscv" { };
        riscv64 = cpu 64 le "riscv" { };

        s390 = cpu 32 be "s390" { };
        s390x = cpu 64 be "s390" { };

        sparc = cpu 32 be "sparc" { };
        sparc64 = cpu 64 be "sparc" { };

        wasm32 = cpu 32 le "wasm" { };
        wasm64 = cpu 64 le "wasm" { };

        alpha = cpu 64 le "alpha" { };
        rx = cpu 32 le "rx" { };
        msp430 = cpu 16 le "msp430" { };
        avr = cpu 8 null "avr" { };
        vc4 = cpu 32 le "vc4" { };
        or1k = cpu 32 be "or1k" { };
        arc = cpu 32 le "arc" { };
        loongarch64 = cpu 64 le "loongarch" { };
        javascript = cpu 32 le "javascript" { };
      };
    in
    # Apple's name for aarch64 is the very same value.
    table // { arm64 = table.aarch64; };

  vendors = register "vendor" {
    apple = { };
    pc = { };
    knuth = { };
    w64 = { };
    none = { };
    unknown = { };
  };

  execFormats = register "exec-format" {
    aout = { };
    elf = { };
    macho = { };
    pe = { };
    wasm = { };
    unknown = { };
  };

  kernelFamilies = register "kernel-family" {
    bsd = { };
    darwin = { };
  };

  kernels =
    let
      k = execFormat: families: { inherit execFormat families; };
      bsd = { inherit (kernelFamilies) bsd; };
      darwin = { inherit (kernelFamilies) darwin; };
      table = register "kernel" {
        macos = k execFormats.macho darwin // { name = "darwin"; };
        ios = k execFormats.macho darwin;
        freebsd = k execFormats.elf bsd // { name = "freebsd"; };
        linux = k execFormats.elf { };
        netbsd = k execFormats.elf bsd;
        none = k execFormats.unknown { };
        openbsd = k execFormats.elf bsd;
        solaris = k execFormats.elf { };
        wasi = k execFormats.wasm { };
        redox = k execFormats.elf { };
        windows = k execFormats.pe { };
        cygwin = k execFormats.pe { };
        ghcjs = k execFormats.unknown { };
        genode = k execFormats.elf { };
        mmixware = k execFormats.unknown { };
        uefi = k execFormats.pe { };
      };
    in
    table
    // {
      darwin = table.macos;
      watchos = table.ios;
      tvos = table.ios;
      win32 = table.windows;
    };

  # An ABI assertion: `check` receives the elaborated platform.
  rule = check: message: {
    assertion = check;
    inherit message;
  };

  notArm32 = abi: instead: rule (p: !p.isAarch32) "The \"${abi}\" ABI cannot be used on 32-bit ARM; use ${instead} there.";

  abis = register "abi" {
    msvc = { };
    eabi = { float = "soft"; eabi = true; };
    eabihf = { float = "hard"; eabi = true; };
    elf = { };
    androideabi = { eabi = true; };
    android = {
      assertions = [ (notArm32 "android" "\"androideabi\"") ];
    };
    gnueabi = { float = "soft"; eabi = true; };
    gnueabihf = { float = "hard"; eabi = true; };
    gnu = {
      assertions = [
        (notArm32 "gnu" "\"gnueabi\" or \"gnueabihf\"")
        (rule (p: !(p.isPower64 && p.isBigEndian))
          "The \"gnu\" ABI is ambiguous on big-endian 64-bit PowerPC; use \"gnuabielfv1\" or \"gnuabielfv2\"."
        )
      ];
    };
    gnuabi64 = { abi = "64"; };
    muslabi64 = { abi = "64"; };
    gnuabin32 = { abi = "n32"; };
    muslabin32 = { abi = "n32"; };
    gnuabielfv2 = { abi = "elfv2"; };
    gnuabielfv1 = { abi = "elfv1"; };
    musleabi = { float = "soft"; eabi = true; };
    musleabihf = { float = "hard"; eabi = true; };
    musl = { };
    uclibceabi = { float = "soft"; eabi = true; };
    uclibceabihf = { float = "hard"; eabi = true; };
    uclibc = { };
    unknown = { };
  };

  # Which CPUs each CPU can run besides itself (direct steps; closed below).
  runsDirectly = {
    i486 = [ "i386" ];
    i586 = [ "i486" ];
    i686 = [ "i586" ];
    x86_64 = [ "i686" ];
    armv5tel = [ "arm" ];
    armv6l = [ "armv5tel" "armv6m" ];
    armv7l = [ "armv6l" ];
    armv7a = [ "armv7l" "armv7m" ];
    armv7r = [ "armv7l" "armv7m" ];
    aarch64 = [ "armv8a" ];
    powerpc64 = [ "powerpc" ];
    powerpc64le = [ "powerpcle" ];
    mips64 = [ "mips" ];
    mips64el = [ "mipsel" ];
    sparc64 = [ "sparc" ];
  };

  runsClosure =
    let
      close = name: lib.lists.unique (b.concatMap (n: [ n ] ++ close n) (runsDirectly.${name} or [ ]));
    in
    mapAttrs (name: _: close name) runsDirectly;

  isCompatible = a: c: a == c || b.elem (c.name or null) (runsClosure.${a.name or ""} or [ ]);

  mkSkeletonFromList =
    l:
    let
      n = length l;
      p = elemAt l;
      joined = concatStringsSep "-" l;
    in
    if n == 1 then
      (
        if head l == "avr" then
          {
            cpu = "avr";
            kernel = "none";
            abi = "unknown";
          }
        else
          b.throw "ambiguous system string '${joined}': a single component names a platform only for avr"
      )
    else if n == 2 then
      (
        if p 1 == "cygwin" then
          mkSkeletonFromList [ (p 0) "pc" "cygwin" ]
        else if p 1 == "windows" then
          {
            cpu = p 0;
            kernel = "windows";
            abi = "msvc";
          }
        else if p 1 == "elf" then
          {
            cpu = p 0;
            vendor = "unknown";
            kernel = "none";
            abi = "elf";
          }
        else
          {
            cpu = p 0;
            kernel = p 1;
          }
      )
    else if n == 3 then
      (
        if p 1 == "linux" || b.elem (p 2) [ "eabi" "eabihf" "elf" "gnu" ] then
          {
            cpu = p 0;
            vendor = "unknown";
            kernel = p 1;
            abi = p 2;
          }
        else if
          p 1 == "apple"
          || b.elem (p 2) [ "redox" "mmixware" "ghcjs" "mingw32" "uefi" ]
          || b.any (pre: hasPrefix pre (p 2)) [ "freebsd" "netbsd" "openbsd" "genode" ]
          || hasPrefix "wasm32" (p 0)
        then
          {
            cpu = p 0;
            vendor = p 1;
            kernel = if p 2 == "mingw32" then "windows" else p 2;
          }
        else if p 2 == "cygwin" then
          {
            cpu = p 0;
            vendor = p 1;
            kernel = "cygwin";
          }
        else
          b.throw "ambiguous system string '${joined}': cannot tell which of its 3 components is the vendor, kernel or ABI"
      )
    else if n == 4 then
      {
        cpu = p 0;
        vendor = p 1;
        kernel = p 2;
        abi = p 3;
      }
    else
      b.throw "invalid number of components (${toString n}) in system string '${joined}'; expected 1 to 4";

  removeAbiSuffix =
    x:
    let
      m = b.match "(.*)e?abi.*" x;
    in
    if m == null then x else head m;

  mkSystem =
    components:
    components
    // {
      _type = "system";
    };

  mkSystemFromSkeleton =
    skel:
    let
      getCpu = name: cpuTypes.${name} or (b.throw "Unknown CPU type: ${name}");
      getVendor = name: vendors.${name} or (b.throw "Unknown vendor: ${name}");
      getKernel = name: kernels.${name} or (b.throw "Unknown kernel: ${name}");
      getAbi = name: abis.${name} or (b.throw "Unknown ABI: ${name}");

      cpu = getCpu skel.cpu;
      kernel =
        if hasPrefix "darwin" skel.kernel then
          kernels.darwin
        else if hasPrefix "netbsd" skel.kernel then
          kernels.netbsd
        else
          getKernel (removeAbiSuffix skel.kernel);
      vendor =
        if skel ? vendor then
          getVendor skel.vendor
        else if kernel.families ? darwin then
          vendors.apple
        else if kernel == kernels.windows || kernel == kernels.cygwin then
          vendors.pc
        else
          vendors.unknown;
      abi =
        if skel ? abi then
          getAbi skel.abi
        else if kernel == kernels.linux || kernel == kernels.windows then
          (
            if cpu.family == "arm" && cpu.bits == 32 then
              (if lib.strings.versionAtLeast (cpu.version or "0") "6" then abis.gnueabihf else abis.gnueabi)
            else if cpu.family == "power" && cpu.bits == 64 && cpu.significantByte == be then
              abis.gnuabielfv1
            else
              abis.gnu
          )
        else
          abis.unknown;
    in
    mkSystem {
      inherit
        cpu
        vendor
        kernel
        abi
        ;
    };

  kernelName = kernel: kernel.name + toString (kernel.version or "");

  darwinArch = cpu: if cpu.name == "aarch64" then "arm64" else cpu.name;

  # GNU tools assume a.out on these older NetBSD ports.
  gnuNetBSDDefaultExecFormat =
    cpu:
    if cpu.bits == 32 && b.elem cpu.family [ "arm" "sparc" "m68k" "x86" ] then
      execFormats.aout
    else
      execFormats.elf;
in
{
  inherit
    significantBytes
    cpuTypes
    vendors
    execFormats
    kernelFamilies
    kernels
    abis
    ;

  /**
    True if a value is a parsed platform (`_type = "system"`).
  */
  isSystem = x: b.isAttrs x && (x._type or null) == "system";

  /**
    Tags a `{ cpu; vendor; kernel; abi; }` set as a parsed platform.
  */
  inherit mkSystem;

  /**
    True if a machine with CPU `a` can run code built for CPU `c`.

    # Example
    ```nix
    isCompatible cpuTypes.x86_64 cpuTypes.i686
    => true
    ```
  */
  inherit isCompatible;

  /**
    Splits the components of a system string into a skeleton of names
    (`{ cpu; vendor?; kernel; abi?; }`), by component count.

    # Example
    ```nix
    mkSkeletonFromList [ "x86_64" "linux" ]
    => { cpu = "x86_64"; kernel = "linux"; }
    ```
  */
  inherit mkSkeletonFromList;

  /**
    Resolves a skeleton's names into registry values, filling in vendor and ABI defaults.
  */
  inherit mkSystemFromSkeleton;

  /**
    Parses a system double or a target triple.

    # Example
    ```nix
    (mkSystemFromString "x86_64-linux").abi.name
    => "gnu"
    ```
  */
  mkSystemFromString = s: mkSystemFromSkeleton (mkSkeletonFromList (lib.strings.splitString "-" s));

  /**
    The kernel's name followed by its version, if any.
  */
  inherit kernelName;

  /**
    Apple's name for a CPU (`arm64` for aarch64).
  */
  inherit darwinArch;

  /**
    The executable format GNU tools assume for NetBSD on this CPU (a.out on old
    32-bit ports, else ELF); the triple names the format only when it differs.
  */
  inherit gnuNetBSDDefaultExecFormat;

  /**
    The Nix system double (`<cpu>-<kernel>`) of a parsed platform.

    # Example
    ```nix
    doubleFromSystem (mkSystemFromString "aarch64-apple-darwin")
    => "aarch64-darwin"
    ```
  */
  doubleFromSystem =
    { cpu, kernel, ... }:
    if kernel.families ? darwin then "${cpu.name}-darwin" else "${cpu.name}-${kernelName kernel}";

  /**
    The target triple (`<cpu>-<vendor>-<kernel>[-<abi>]`) of a parsed platform.

    # Example
    ```nix
    tripleFromSystem (mkSystemFromString "aarch64-darwin")
    => "arm64-apple-darwin"
    ```
  */
  tripleFromSystem =
    {
      cpu,
      vendor,
      kernel,
      abi,
      ...
    }:
    let
      execFormat = lib.strings.optionalString (
        kernel.name == "netbsd" && gnuNetBSDDefaultExecFormat cpu != kernel.execFormat
      ) kernel.execFormat.name;
      abiPart = lib.strings.optionalString (abi.name != "unknown") "-${abi.name}";
      cpuName = if kernel.families ? darwin then darwinArch cpu else cpu.name;
    in
    "${cpuName}-${vendor.name}-${kernelName kernel}${execFormat}${abiPart}";
}
