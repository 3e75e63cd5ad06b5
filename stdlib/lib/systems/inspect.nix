# Platform predicates.  A pattern is a partial parsed platform (or a list of
# alternatives); `predicates.isX parsed` checks it with `matchAttrs`.
{ lib }:
let
  b = builtins;
  inherit (lib.systems.parse)
    cpuTypes
    kernels
    kernelFamilies
    significantBytes
    execFormats
    ;
  # ABI values without their `assertions` (functions never match structurally).
  abis = b.mapAttrs (_: abi: removeAttrs abi [ "assertions" ]) lib.systems.parse.abis;

  onCpu = attrs: { cpu = attrs; };
  family = f: onCpu { family = f; };
  familyBits = f: bits: onCpu {
    family = f;
    inherit bits;
  };
  onKernel = k: { kernel = k; };
  anyAbi = map (a: { abi = a; });

  patterns = rec {
    # CPU
    isi686 = onCpu cpuTypes.i686;
    isx86_32 = familyBits "x86" 32;
    isx86_64 = familyBits "x86" 64;
    isx86 = family "x86";
    isPower = family "power";
    isPower64 = familyBits "power" 64;
    isAbiElfv1 = {
      abi = {
        abi = "elfv1";
      };
    };
    # musl on 64-bit POWER always uses ELFv2.
    isAbiElfv2 = [
      {
        abi = {
          abi = "elfv2";
        };
      }
      {
        abi = {
          name = "musl";
        };
        cpu = {
          family = "power";
          bits = 64;
        };
      }
    ];
    isAarch32 = familyBits "arm" 32;
    isAarch64 = familyBits "arm" 64;
    isAarch = family "arm";
    isArmv7 = map (c: onCpu { inherit (c) arch; }) (
      b.filter (c: lib.strings.hasPrefix "armv7" (c.arch or "")) (b.attrValues cpuTypes)
    );
    isMicroBlaze = family "microblaze";
    isMips = family "mips";
    isMips32 = familyBits "mips" 32;
    isMips64 = familyBits "mips" 64;
    isMips64n32 = familyBits "mips" 64 // {
      abi = {
        abi = "n32";
      };
    };
    isMips64n64 = familyBits "mips" 64 // {
      abi = {
        abi = "64";
      };
    };
    isMmix = family "mmix";
    isRiscV = family "riscv";
    isRiscV32 = familyBits "riscv" 32;
    isRiscV64 = familyBits "riscv" 64;
    isRx = family "rx";
    isSparc = family "sparc";
    isSparc64 = familyBits "sparc" 64;
    isWasm = family "wasm";
    isMsp430 = family "msp430";
    isVc4 = family "vc4";
    isAvr = family "avr";
    isAlpha = family "alpha";
    isOr1k = family "or1k";
    isM68k = family "m68k";
    isArc = family "arc";
    isSh4 = family "sh";
    isS390 = family "s390";
    isS390x = familyBits "s390" 64;
    isLoongArch64 = familyBits "loongarch" 64;
    isJavaScript = onCpu cpuTypes.javascript;

    is32bit = onCpu { bits = 32; };
    is64bit = onCpu { bits = 64; };
    isILP32 = [ (familyBits "wasm" 32) ] ++ map (a: { abi = { abi = a; }; }) [ "n32" "ilp32" "x32" ];
    isBigEndian = onCpu { significantByte = significantBytes.bigEndian; };
    isLittleEndian = onCpu { significantByte = significantBytes.littleEndian; };

    # Kernel / OS
    isBSD = onKernel { families = { inherit (kernelFamilies) bsd; }; };
    isDarwin = onKernel { families = { inherit (kernelFamilies) darwin; }; };
    isUnix = [
      isBSD
      isDarwin
      isLinux
      isSunOS
      isCygwin
      isRedox
    ];
    isMacOS = onKernel kernels.macos;
    isiOS = onKernel kernels.ios;
    isLinux = onKernel kernels.linux;
    isSunOS = onKernel kernels.solaris;
    isFreeBSD = onKernel { name = "freebsd"; };
    isNetBSD = onKernel kernels.netbsd;
    isOpenBSD = onKernel kernels.openbsd;
    isWindows = onKernel kernels.windows;
    isCygwin = onKernel kernels.cygwin;
    isMinGW = {
      kernel = kernels.windows;
      abi = abis.gnu;
    };
    isMsvc = {
      kernel = kernels.windows;
      abi = abis.msvc;
    };
    isWasi = onKernel kernels.wasi;
    isRedox = onKernel kernels.redox;
    isGhcjs = onKernel kernels.ghcjs;
    isGenode = onKernel kernels.genode;
    isNone = onKernel kernels.none;
    isUefi = [ (onKernel kernels.uefi) ];

    # ABI / libc
    isAndroid = anyAbi [ abis.android abis.androideabi ];
    isGnu = anyAbi (
      with abis;
      [
        gnuabi64
        gnuabin32
        gnu
        gnueabi
        gnueabihf
        gnuabielfv1
        gnuabielfv2
      ]
    );
    isMusl = anyAbi (
      with abis;
      [
        musl
        musleabi
        musleabihf
        muslabin32
        muslabi64
      ]
    );
    isUClibc = anyAbi (
      with abis;
      [
        uclibc
        uclibceabi
        uclibceabihf
      ]
    );
    isEabi = {
      abi = {
        eabi = true;
      };
    };

    # Misc
    isEfi = [
      (onCpu {
        family = "arm";
        version = "6";
      })
      (onCpu {
        family = "arm";
        version = "7";
      })
      (onCpu {
        family = "arm";
        version = "8";
      })
      (family "riscv")
      (family "x86")
      (family "loongarch")
    ];

    # Executable format
    isElf = onKernel { execFormat = execFormats.elf; };
    isMacho = onKernel { execFormat = execFormats.macho; };
    isPE = onKernel { execFormat = execFormats.pe; };
  };

  matchAnyAttrs =
    pattern:
    if b.isList pattern then
      attrs: b.any (p: lib.attrsets.matchAttrs p attrs) pattern
    else
      lib.attrsets.matchAttrs pattern;
in
{
  /**
    The patterns behind the predicates, by predicate name.
  */
  inherit patterns;

  /**
    Turns a pattern (or a list of alternative patterns) into a predicate on parsed platforms.

    # Example
    ```nix
    matchAnyAttrs [ { cpu.bits = 32; } { cpu.bits = 64; } ] (lib.systems.parse.mkSystemFromString "x86_64-linux")
    => true
    ```
  */
  inherit matchAnyAttrs;

  /**
    Every predicate (`isLinux`, `isAarch64`, …) as a function of a parsed platform.

    # Example
    ```nix
    predicates.isLinux (lib.systems.parse.mkSystemFromString "x86_64-linux")
    => true
    ```
  */
  predicates = b.mapAttrs (_: matchAnyAttrs) patterns;

  /**
    Patterns over whole platforms rather than `parsed` (currently just `isStatic`).
  */
  platformPatterns = b.mapAttrs (_: p: { parsed = { }; } // p) {
    isStatic = {
      isStatic = true;
    };
  };

  /**
    All combinations of two patterns (or lists of patterns) that can hold at once,
    merged; throws if they disagree on a value.

    # Example
    ```nix
    patternLogicalAnd patterns.isLinux patterns.is64bit
    => [ { cpu = { bits = 64; }; kernel = { … linux … }; } ]
    ```
  */
  patternLogicalAnd =
    p1: p2:
    b.concatMap (
      x:
      map (
        y:
        lib.attrsets.recursiveUpdateUntil (
          path: l: r:
          if l == r then
            true
          else if b.isAttrs l && b.isAttrs r then
            false
          else
            b.throw "patternLogicalAnd: conflicting patterns at ${toString path}: ${b.toJSON l} vs ${b.toJSON r}"
        ) x y
      ) (lib.lists.toList p2)
    ) (lib.lists.toList p1);
}
