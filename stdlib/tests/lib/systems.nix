# lib.systems: cross.md section 2 and the test matrix of section 13 (tables A and B).
let
  h = import ./_helpers.nix;
  inherit (h) lib throws mkDrv;
  inherit (lib.systems) elaborate examples parse inspect doubles equals;
  inherit (lib) hasSuffix;

  x86 = elaborate "x86_64-linux";
  i686 = elaborate "i686-linux";
  aarch64 = elaborate "aarch64-linux";
  armv7l = elaborate "armv7l-linux";
  armv6l = elaborate "armv6l-linux";
  x86_64-darwin = elaborate "x86_64-darwin";
  mingwW64 = elaborate examples.mingwW64;
  musl64 = elaborate examples.musl64;

  # A stand-in package set for emulator selection.
  fakePkgs = host: {
    stdenv.hostPlatform = host;
    qemu-user = mkDrv { name = "qemu-user"; };
    wasmtime = mkDrv { name = "wasmtime"; };
    mmixware = mkDrv { name = "mmixware"; };
    nodejs-slim = mkDrv { name = "nodejs-slim"; };
    winePackagesFor = n: { minimal = mkDrv { name = n; }; };
    writeShellScriptBin = name: text: mkDrv { inherit name; };
  };
  N = fakePkgs x86;

  # cross.md 2.8: example | config | system | cpu vendor kernel abi | libc
  table = [
    [ "aarch64-multiplatform" "aarch64-unknown-linux-gnu" "aarch64-linux" "aarch64" "unknown" "linux" "gnu" "glibc" ]
    [ "aarch64-multiplatform-musl" "aarch64-unknown-linux-musl" "aarch64-linux" "aarch64" "unknown" "linux" "musl" "musl" ]
    [ "riscv64" "riscv64-unknown-linux-gnu" "riscv64-linux" "riscv64" "unknown" "linux" "gnu" "glibc" ]
    [ "riscv32" "riscv32-unknown-linux-gnu" "riscv32-linux" "riscv32" "unknown" "linux" "gnu" "glibc" ]
    [ "raspberryPi" "armv6l-unknown-linux-gnueabihf" "armv6l-linux" "armv6l" "unknown" "linux" "gnueabihf" "glibc" ]
    [ "muslpi" "armv6l-unknown-linux-musleabihf" "armv6l-linux" "armv6l" "unknown" "linux" "musleabihf" "musl" ]
    [ "armv7l-hf-multiplatform" "armv7l-unknown-linux-gnueabihf" "armv7l-linux" "armv7l" "unknown" "linux" "gnueabihf" "glibc" ]
    [ "gnu64" "x86_64-unknown-linux-gnu" "x86_64-linux" "x86_64" "unknown" "linux" "gnu" "glibc" ]
    [ "gnu32" "i686-unknown-linux-gnu" "i686-linux" "i686" "unknown" "linux" "gnu" "glibc" ]
    [ "musl64" "x86_64-unknown-linux-musl" "x86_64-linux" "x86_64" "unknown" "linux" "musl" "musl" ]
    [ "musl32" "i686-unknown-linux-musl" "i686-linux" "i686" "unknown" "linux" "musl" "musl" ]
    [ "mingwW64" "x86_64-w64-mingw32" "x86_64-windows" "x86_64" "w64" "windows" "gnu" "msvcrt" ]
    [ "mingw-msvcrt-x86_64" "x86_64-w64-mingw32" "x86_64-windows" "x86_64" "w64" "windows" "gnu" "msvcrt" ]
    [ "mingw32" "i686-w64-mingw32" "i686-windows" "i686" "w64" "windows" "gnu" "msvcrt" ]
    [ "ucrt64" "x86_64-w64-mingw32" "x86_64-windows" "x86_64" "w64" "windows" "gnu" "ucrt" ]
    [ "ppc64" "powerpc64-unknown-linux-gnuabielfv2" "powerpc64-linux" "powerpc64" "unknown" "linux" "gnuabielfv2" "glibc" ]
    [ "ppc64-elfv2" "powerpc64-unknown-linux-gnuabielfv2" "powerpc64-linux" "powerpc64" "unknown" "linux" "gnuabielfv2" "glibc" ]
    [ "powernv" "powerpc64le-unknown-linux-gnu" "powerpc64le-linux" "powerpc64le" "unknown" "linux" "gnu" "glibc" ]
    [ "s390x" "s390x-unknown-linux-gnu" "s390x-linux" "s390x" "unknown" "linux" "gnu" "glibc" ]
    [ "mips64el-linux-gnuabi64" "mips64el-unknown-linux-gnuabi64" "mips64el-linux" "mips64el" "unknown" "linux" "gnuabi64" "glibc" ]
    [ "loongarch64-linux" "loongarch64-unknown-linux-gnu" "loongarch64-linux" "loongarch64" "unknown" "linux" "gnu" "glibc" ]
    [ "wasi32" "wasm32-unknown-wasi" "wasm32-wasi" "wasm32" "unknown" "wasi" "unknown" "wasilibc" ]
    [ "x86_64-freebsd" "x86_64-unknown-freebsd" "x86_64-freebsd" "x86_64" "unknown" "freebsd" "unknown" "fblibc" ]
    [ "x86_64-netbsd" "x86_64-unknown-netbsd" "x86_64-netbsd" "x86_64" "unknown" "netbsd" "unknown" "nblibc" ]
    [ "aarch64-darwin" "arm64-apple-darwin" "aarch64-darwin" "aarch64" "apple" "darwin" "unknown" "libSystem" ]
    [ "x86_64-darwin" "x86_64-apple-darwin" "x86_64-darwin" "x86_64" "apple" "darwin" "unknown" "libSystem" ]
    [ "aarch64-android-prebuilt" "aarch64-unknown-linux-android" "aarch64-linux" "aarch64" "unknown" "linux" "android" "bionic" ]
    [ "arm-embedded" "arm-none-eabi" "arm-none" "arm" "unknown" "none" "eabi" "newlib" ]
    [ "riscv64-embedded" "riscv64-none-elf" "riscv64-none" "riscv64" "unknown" "none" "elf" "newlib" ]
    [ "avr" "avr" "avr-none" "avr" "unknown" "none" "unknown" "avrlibc" ]
  ];

  rowTest =
    row:
    let
      at = builtins.elemAt row;
      p = elaborate examples.${at 0};
    in
    {
      name = "testExample_${at 0}";
      value = {
        expr = [ p.config p.system p.parsed.cpu.name p.parsed.vendor.name p.parsed.kernel.name p.parsed.abi.name p.libc ];
        expected = lib.lists.drop 1 row;
      };
    };

  # Names the brief requires in lib.systems.examples.
  requiredExamples = [
    "aarch64-multiplatform" "aarch64-multiplatform-musl" "armv7l-hf-multiplatform" "raspberryPi" "riscv64" "riscv32"
    "musl64" "musl32" "gnu32" "gnu64" "mingwW64" "mingw32" "ppc64" "ppc64le" "s390x" "s390" "wasi32" "x86_64-freebsd"
    "x86_64-netbsd" "aarch64-darwin" "x86_64-darwin" "arm-embedded" "armhf-embedded" "aarch64-embedded" "avr"
    "riscv64-embedded" "riscv32-embedded" "mips-linux-gnu" "mipsel-linux-gnu" "mips64el-linux-gnuabi64"
    "loongarch64-linux" "ghcjs" "mmix" "msp430" "vc4" "or1k" "x86_64-embedded" "i686-embedded"
    # cross.md 2.8 "also register"
    "armv5tel-multiplatform" "ppc64-elfv1" "ppc64-musl" "ppc32" "musl-power" "remarkable1" "remarkable2" "bluefield2"
    "ben-nanonote" "fuloongminipc" "mips64-linux-gnuabin32" "mips64el-linux-gnuabin32" "mips64-linux-gnuabi64"
    "riscv64-musl" "rx-embedded" "m68k" "arc" "sh4" "aarch64be-embedded" "ppc-embedded" "ppcle-embedded"
    "iphone64" "iphone64-simulator" "aarch64-android" "armv7a-android-prebuilt" "x86_64-windows" "aarch64-windows"
    "x86_64-cygwin" "aarch64-freebsd" "x86_64-netbsd-llvm" "x86_64-openbsd" "x86_64-unknown-uefi"
    "aarch64-unknown-uefi" "wasm32-unknown-none" "ucrt64" "muslpi" "powernv" "aarch64-android-prebuilt"
  ];

  # Every predicate name listed in cross.md 2.6.
  predicateNames = [
    "isi686" "isx86_32" "isx86_64" "isx86" "isPower" "isPower64" "isAarch32" "isAarch64" "isAarch" "isArmv7"
    "isMips" "isMips32" "isMips64" "isMips64n32" "isMips64n64" "isRiscV" "isRiscV32" "isRiscV64" "isS390"
    "isS390x" "isSparc" "isSparc64" "isWasm" "isMsp430" "isVc4" "isAvr" "isAlpha" "isOr1k" "isM68k" "isArc"
    "isSh4" "isMmix" "isRx" "isMicroBlaze" "isLoongArch64" "isJavaScript" "is32bit" "is64bit" "isILP32"
    "isBigEndian" "isLittleEndian" "isAbiElfv1" "isAbiElfv2" "isLinux" "isDarwin" "isMacOS" "isiOS" "isBSD"
    "isFreeBSD" "isNetBSD" "isOpenBSD" "isSunOS" "isWindows" "isCygwin" "isMinGW" "isMsvc" "isWasi" "isRedox"
    "isGhcjs" "isGenode" "isNone" "isUefi" "isUnix" "isAndroid" "isGnu" "isMusl" "isUClibc" "isEabi" "isElf"
    "isMacho" "isPE" "isEfi"
  ];

  # platform -> predicates expected true (any predicate not listed must be false)
  predicateMatrix = {
    "x86_64-linux" = [ "isx86_64" "isx86" "is64bit" "isLittleEndian" "isLinux" "isUnix" "isGnu" "isElf" "isEfi" ];
    "i686-linux" = [ "isi686" "isx86_32" "isx86" "is32bit" "isLittleEndian" "isLinux" "isUnix" "isGnu" "isElf" "isEfi" ];
    "aarch64-darwin" = [ "isAarch64" "isAarch" "is64bit" "isLittleEndian" "isDarwin" "isMacOS" "isUnix" "isMacho" "isEfi" ];
    "armv7l-linux" = [ "isAarch32" "isAarch" "isArmv7" "is32bit" "isLittleEndian" "isLinux" "isUnix" "isGnu" "isEabi" "isElf" "isEfi" ];
    "powerpc64-linux" = [ "isPower" "isPower64" "is64bit" "isBigEndian" "isAbiElfv1" "isLinux" "isUnix" "isGnu" "isElf" ];
    "wasm32-wasi" = [ "isWasm" "is32bit" "isILP32" "isLittleEndian" "isWasi" ];
    "x86_64-freebsd" = [ "isx86_64" "isx86" "is64bit" "isLittleEndian" "isBSD" "isFreeBSD" "isUnix" "isElf" "isEfi" ];
    "avr" = [ "isAvr" "isNone" ];
  };
  predicateMatrixExamples = {
    mingwW64 = [ "isx86_64" "isx86" "is64bit" "isLittleEndian" "isWindows" "isMinGW" "isGnu" "isPE" "isEfi" ];
    mips64el-linux-gnuabin32 = [ "isMips" "isMips64" "isMips64n32" "is64bit" "isILP32" "isLittleEndian" "isLinux" "isUnix" "isGnu" "isElf" ];
    ppc64-musl = [ "isPower" "isPower64" "is64bit" "isBigEndian" "isAbiElfv2" "isLinux" "isUnix" "isMusl" "isElf" ];
    arm-embedded = [ "isAarch32" "isAarch" "is32bit" "isLittleEndian" "isNone" "isEabi" ];
    aarch64-android = [ "isAarch64" "isAarch" "is64bit" "isLittleEndian" "isLinux" "isUnix" "isAndroid" "isElf" "isEfi" ];
    x86_64-unknown-uefi = [ "isx86_64" "isx86" "is64bit" "isLittleEndian" "isUefi" "isPE" "isEfi" ];
    ben-nanonote = [ "isMips" "isMips32" "is32bit" "isLittleEndian" "isLinux" "isUnix" "isUClibc" "isElf" ];
    x86_64-windows = [ "isx86_64" "isx86" "is64bit" "isLittleEndian" "isWindows" "isMsvc" "isPE" "isEfi" ];
    x86_64-cygwin = [ "isx86_64" "isx86" "is64bit" "isLittleEndian" "isCygwin" "isUnix" "isPE" "isEfi" ];
    ghcjs = [ "isJavaScript" "is32bit" "isLittleEndian" "isGhcjs" ];
    mmix = [ "isMmix" "is64bit" "isBigEndian" ];
    s390 = [ "isS390" "is32bit" "isBigEndian" "isLinux" "isUnix" "isGnu" "isElf" ];
    iphone64 = [ "isAarch64" "isAarch" "is64bit" "isLittleEndian" "isDarwin" "isiOS" "isUnix" "isMacho" "isEfi" ];
  };

  predicateRow =
    name: p: trueOnes:
    {
      name = "testPredicates_${name}";
      value = {
        expr = builtins.filter (n: p.${n}) predicateNames;
        expected = builtins.filter (n: builtins.elem n trueOnes) predicateNames;
      };
    };

  allInputs = map (n: examples.${n}) (builtins.attrNames examples) ++ doubles.all;

  canExec = a: b: (elaborate a).canExecute (elaborate b);
in
h.runTests (
  builtins.listToAttrs (map rowTest table)
  // builtins.listToAttrs (lib.mapAttrsToList (n: t: predicateRow n (elaborate n) t) predicateMatrix)
  // builtins.listToAttrs (lib.mapAttrsToList (n: t: predicateRow n (elaborate examples.${n}) t) predicateMatrixExamples)
  // {
    # ---- Table A: parsing and elaboration ------------------------------
    testConfigX86 = { expr = x86.config; expected = "x86_64-unknown-linux-gnu"; };
    testConfigArmv7l = { expr = armv7l.config; expected = "armv7l-unknown-linux-gnueabihf"; };
    testConfigArmv5tel = { expr = (elaborate "armv5tel-linux").config; expected = "armv5tel-unknown-linux-gnueabi"; };
    testConfigPowerpc64 = { expr = (elaborate "powerpc64-linux").config; expected = "powerpc64-unknown-linux-gnuabielfv1"; };
    testConfigMips64el = { expr = (elaborate "mips64el-linux").config; expected = "mips64el-unknown-linux-gnu"; };
    testConfigAarch64Darwin = { expr = (elaborate "aarch64-darwin").config; expected = "arm64-apple-darwin"; };
    testConfigX86Windows = { expr = (elaborate "x86_64-windows").config; expected = "x86_64-pc-windows-msvc"; };
    testConfigCygwin = { expr = (elaborate "i686-cygwin").config; expected = "i686-pc-cygwin"; };
    testConfigRiscvNone = { expr = (elaborate "riscv64-none").config; expected = "riscv64-unknown-none"; };
    testSystemMingw32 = { expr = (elaborate { config = "i686-w64-mingw32"; }).system; expected = "i686-windows"; };
    testSystemAndroideabi = { expr = (elaborate { config = "armv7a-unknown-linux-androideabi"; }).system; expected = "armv7a-linux"; };
    testSystemElf = {
      expr = map (c: (elaborate { config = c; }).system) [ "x86_64-elf" "arm-none-eabi" "msp430-elf" ];
      expected = [ "x86_64-none" "arm-none" "msp430-none" ];
    };
    testSystemAarch64AppleDarwin = { expr = (elaborate { config = "aarch64-apple-darwin"; }).system; expected = "aarch64-darwin"; };
    testConfigKeptVerbatim = { expr = (elaborate { config = "x86_64-w64-mingw32"; }).config; expected = "x86_64-w64-mingw32"; };
    testMingwAbi = { expr = (elaborate { config = "x86_64-w64-mingw32"; }).parsed.abi.name; expected = "gnu"; };
    testConfigWinsOverSystem = { expr = (elaborate { system = "x86_64-linux"; config = "i686-unknown-linux-gnu"; }).system; expected = "i686-linux"; };
    testParsedOnly = {
      expr = let p = elaborate { parsed = parse.mkSystemFromString "aarch64-linux"; }; in [ p.config p.system ];
      expected = [ "aarch64-unknown-linux-gnu" "aarch64-linux" ];
    };
    testUserSystemIgnored = { expr = (elaborate { config = "aarch64-unknown-linux-gnu"; system = "bogus"; }).system; expected = "aarch64-linux"; };
    testParsedCpu = {
      expr = removeAttrs x86.parsed.cpu [ "_type" ];
      expected = { arch = "x86-64"; bits = 64; family = "x86"; name = "x86_64"; significantByte = { _type = "significant-byte"; name = "littleEndian"; }; };
    };
    testUname = { expr = x86.uname; expected = { processor = "x86_64"; release = null; system = "Linux"; }; };
    testExtensions = { expr = x86.extensions; expected = { executable = ""; library = ".so"; sharedLibrary = ".so"; staticLibrary = ".a"; }; };
    testGcc = { expr = [ aarch64.gcc x86.gcc ]; expected = [ { arch = "armv8-a"; } { } ]; };
    testAvrConfig = { expr = [ (elaborate "avr").config (elaborate examples.avr).config ]; expected = [ "avr-unknown-none" "avr" ]; };
    testAmbiguous = { expr = [ (throws (elaborate "foo")) (throws (elaborate "foo-bar-baz")) ]; expected = [ true true ]; };
    testComponentCount = { expr = throws (elaborate "x86_64-linux-gnu-foo-bar"); expected = true; };
    testUnknownCpu = { expr = throws (elaborate "zz80-linux"); expected = true; };
    testUnknownKernel = { expr = throws (elaborate "x86_64-plan9"); expected = true; };
    testGnuOnArm32Throws = { expr = throws (elaborate { config = "armv7l-unknown-linux-gnu"; }); expected = true; };
    testGnuOnBigEndianPower64Throws = { expr = throws (elaborate { config = "powerpc64-unknown-linux-gnu"; }); expected = true; };
    testAndroidOnArm32Throws = { expr = throws (elaborate { config = "armv7a-unknown-linux-android"; }); expected = true; };
    testAndroidPrebuiltAssertion = { expr = throws (elaborate { system = "x86_64-linux"; useAndroidPrebuilt = true; }); expected = true; };
    testPredicatesComplete = { expr = builtins.filter (n: !(inspect.predicates ? ${n})) predicateNames; expected = [ ]; };
    testPatternsMatchPredicates = { expr = builtins.attrNames inspect.patterns == builtins.attrNames inspect.predicates; expected = true; };
    testPredicatesOnRecord = { expr = builtins.filter (n: !(builtins.isBool x86.${n})) predicateNames; expected = [ ]; };
    testDoublesLinux = { expr = [ (lib.take 3 doubles.linux) (builtins.length doubles.linux) ]; expected = [ [ "aarch64-linux" "arc-linux" "armv5tel-linux" ] 24 ]; };
    testPlatformsAlias = { expr = lib.platforms.linux == doubles.linux; expected = true; };
    testDoublesDarwin = { expr = builtins.elem "x86_64-darwin" doubles.darwin; expected = true; };
    testDoublesAllHead = { expr = lib.take 4 doubles.all; expected = [ "i686-cygwin" "x86_64-cygwin" "x86_64-darwin" "aarch64-darwin" ]; };
    testDoublesFiltered = {
      expr = [ doubles.darwin doubles.cygwin doubles.wasi doubles.openbsd doubles.none (lib.take 2 doubles.embedded) doubles.uefi (builtins.length doubles.all) ];
      expected = [ [ "x86_64-darwin" "aarch64-darwin" ] [ "i686-cygwin" "x86_64-cygwin" ] [ "wasm64-wasi" "wasm32-wasi" ] [ "i686-openbsd" "x86_64-openbsd" ] [ ] [ "aarch64_be-none" "aarch64-none" ] [ "aarch64-uefi" "x86_64-uefi" ] 80 ];
    };
    testDoublesSubsetsOfAll = {
      expr = builtins.filter (n: !(builtins.all (s: builtins.elem s doubles.all) doubles.${n})) (builtins.attrNames doubles);
      expected = [ ];
    };
    testDoublesArch = {
      expr = [ doubles.i686 (builtins.elem "armv7l-linux" doubles.armv7) (builtins.elem "aarch64-linux" doubles.arm) (builtins.elem "aarch64-linux" doubles.aarch64) (builtins.elem "s390x-linux" doubles.bigEndian) ];
      expected = [ [ "i686-cygwin" "i686-freebsd" "i686-genode" "i686-linux" "i686-netbsd" "i686-none" "i686-openbsd" "i686-windows" ] true false true true ];
    };
    testDoublesGnu = { expr = [ (builtins.length doubles.gnu) (builtins.sort builtins.lessThan doubles.gnu == builtins.sort builtins.lessThan doubles.linux) ]; expected = [ 24 true ]; };
    testFlakeExposed = {
      expr = builtins.sort builtins.lessThan lib.systems.flakeExposed;
      expected = builtins.sort builtins.lessThan [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" "armv6l-linux" "armv7l-linux" "i686-linux" "powerpc64le-linux" "riscv64-linux" "x86_64-freebsd" ];
    };
    testSystemToAttrs = { expr = [ (lib.systems.systemToAttrs "x86_64-linux") (lib.systems.systemToAttrs { config = "c"; }) ]; expected = [ { system = "x86_64-linux"; } { config = "c"; } ]; };
    testRequiredExamples = { expr = builtins.filter (n: !(examples ? ${n})) requiredExamples; expected = [ ]; };
    testEveryExampleElaborates = {
      expr = builtins.filter (n: !(builtins.tryEval (builtins.deepSeq (elaborate examples.${n})._withoutFunctions true)).success) (builtins.attrNames examples);
      expected = [ ];
    };
    testEveryDoubleElaborates = {
      expr = builtins.filter (s: !(builtins.tryEval (builtins.deepSeq (elaborate s)._withoutFunctions true)).success) doubles.all;
      expected = [ ];
    };
    testDoublesRoundTrip = { expr = builtins.filter (s: (elaborate s).system != s) doubles.all; expected = [ ]; };
    testParseRoundTrip = {
      # parsing the printed triple gives back the same parsed platform
      # (bare-metal triples without an ABI, like "avr-unknown-none", are ambiguous by 2.2)
      expr = builtins.filter (
        i:
        let
          p = (elaborate i).parsed;
          r = builtins.tryEval (let q = parse.mkSystemFromString (parse.tripleFromSystem p); in builtins.deepSeq q q);
        in
        r.success && r.value != p
      ) allInputs;
      expected = [ ];
    };
    testTriplesNotReparseable = {
      # by the 3-component rule of 2.2, these doubles print to ambiguous triples
      expr = builtins.filter (s: throws (parse.mkSystemFromString (elaborate s).config)) doubles.all;
      expected = builtins.filter (s: builtins.elem s (doubles.embedded ++ [ "x86_64-solaris" "wasm64-wasi" ])) doubles.all;
    };
    testConfigRoundTrip = {
      # canonical configs print back verbatim
      expr = map (c: parse.tripleFromSystem (parse.mkSystemFromString c)) [ "x86_64-unknown-linux-gnu" "arm64-apple-darwin" "x86_64-pc-windows-msvc" "aarch64-unknown-linux-musl" "armv6l-unknown-linux-gnueabihf" "wasm32-unknown-wasi" "x86_64-unknown-freebsd" "i686-unknown-netbsdelf" ];
      expected = [ "x86_64-unknown-linux-gnu" "arm64-apple-darwin" "x86_64-pc-windows-msvc" "aarch64-unknown-linux-musl" "armv6l-unknown-linux-gnueabihf" "wasm32-unknown-wasi" "x86_64-unknown-freebsd" "i686-unknown-netbsdelf" ];
    };
    testBareTripleAmbiguous = { expr = throws (parse.mkSystemFromString "avr-unknown-none"); expected = true; };
    testNetbsdExecFormat = { expr = (elaborate "i686-netbsd").config; expected = "i686-unknown-netbsdelf"; };

    # ---- cross.md 2.1 components -----------------------------------------
    testArm64Alias = { expr = [ (parse.cpuTypes.arm64 == parse.cpuTypes.aarch64) parse.cpuTypes.arm64.name ]; expected = [ true "aarch64" ]; };
    testKernelAliases = {
      expr = [ parse.kernels.darwin.name parse.kernels.macos.name parse.kernels.watchos.name (parse.kernels.win32 == parse.kernels.windows) ];
      expected = [ "darwin" "darwin" "ios" true ];
    };
    testComponentTypes = {
      expr = [ parse.cpuTypes.x86_64._type parse.vendors.pc._type parse.kernels.linux._type parse.abis.gnu._type parse.execFormats.elf._type parse.kernelFamilies.bsd._type x86.parsed._type ];
      expected = [ "cpu-type" "vendor" "kernel" "abi" "exec-format" "kernel-family" "system" ];
    };
    testCanonicalComponents = { expr = [ (aarch64.parsed.cpu == parse.cpuTypes.aarch64) (x86.parsed.kernel == parse.kernels.linux) ]; expected = [ true true ]; };
    testAvrNoSignificantByte = { expr = [ (parse.cpuTypes.avr ? significantByte) parse.cpuTypes.avr.bits parse.cpuTypes.msp430.bits ]; expected = [ false 8 16 ]; };
    testAbiFields = {
      expr = [ parse.abis.eabihf.float parse.abis.gnueabi.eabi parse.abis.gnuabi64.abi parse.abis.gnuabin32.abi parse.abis.gnuabielfv2.abi (parse.abis.musl ? eabi) ];
      expected = [ "hard" true "64" "n32" "elfv2" false ];
    };
    testSkeleton = {
      expr = map parse.mkSkeletonFromList [ [ "x86_64" "linux" ] [ "x86_64" "elf" ] [ "i686" "w64" "mingw32" ] [ "x86_64" "cygwin" ] ];
      expected = [
        { cpu = "x86_64"; kernel = "linux"; }
        { cpu = "x86_64"; vendor = "unknown"; kernel = "none"; abi = "elf"; }
        { cpu = "i686"; vendor = "w64"; kernel = "windows"; }
        { cpu = "x86_64"; vendor = "pc"; kernel = "cygwin"; }
      ];
    };
    testDarwinVersionedKernel = { expr = (elaborate { config = "x86_64-apple-darwin14"; }).system; expected = "x86_64-darwin"; };
    testDoubleTriple = {
      expr = let p = parse.mkSystemFromString "aarch64-darwin"; in [ (parse.doubleFromSystem p) (parse.tripleFromSystem p) ];
      expected = [ "aarch64-darwin" "arm64-apple-darwin" ];
    };

    # ---- cross.md 2.4 fields -------------------------------------------
    testLibcTable = {
      expr = map (s: (elaborate s).libc) [ "x86_64-darwin" "x86_64-windows" "x86_64-cygwin" "wasm32-wasi" "x86_64-redox" "x86_64-openbsd" "x86_64-netbsd" "javascript-ghcjs" "x86_64-genode" "x86_64-solaris" ];
      expected = [ "libSystem" "ucrt" "cygwin" "wasilibc" "relibc" "oblibc" "nblibc" null "native/impure" "native/impure" ];
    };
    testLinker = { expr = map (s: (elaborate s).linker) [ "x86_64-linux" "x86_64-freebsd" "aarch64-darwin" ]; expected = [ "bfd" "lld" "cctools" ]; };
    testLibDir = { expr = map (s: (elaborate s).libDir) [ "x86_64-linux" "aarch64-linux" "powerpc64le-linux" "mips64el-linux" "x86_64-darwin" ]; expected = [ "lib64" "lib" "lib64" "lib64" null ]; };
    testLinuxArch = { expr = map (s: (elaborate s).linuxArch) [ "armv7l-linux" "aarch64-linux" "i686-linux" "x86_64-linux" "mips64el-linux" "powerpc64le-linux" "riscv64-linux" "s390x-linux" "loongarch64-linux" "sh4-linux" ]; expected = [ "arm" "arm64" "i386" "x86_64" "mips" "powerpc" "riscv" "s390" "loongarch" "sh" ]; };
    testQemuArch = { expr = map (s: (elaborate s).qemuArch) [ "armv7l-linux" "aarch64-linux" "i686-linux" "x86_64-linux" "powerpc64-linux" "powerpc64le-linux" "riscv64-linux" "s390x-linux" "s390-linux" "mips64el-linux" ]; expected = [ "arm" "aarch64" "i386" "x86_64" "ppc64" "ppc64le" "riscv64" "s390x" null "mips64el" ]; };
    testQemuArchN32 = { expr = (elaborate examples.mips64el-linux-gnuabin32).qemuArch; expected = "mipsn32el"; };
    testDarwinArch = { expr = map (s: (elaborate s).darwinArch) [ "aarch64-darwin" "x86_64-darwin" ]; expected = [ "arm64" "x86_64" ]; };
    testUnameSystems = { expr = map (s: (elaborate s).uname.system) [ "x86_64-darwin" "x86_64-windows" "x86_64-freebsd" "arm-none" ]; expected = [ "Darwin" "Windows" "FreeBSD" null ]; };
    testUnameProcessor = { expr = map (s: (elaborate s).uname.processor) [ "powerpc64-linux" "powerpc-linux" "mips64el-linux" "aarch64-darwin" ]; expected = [ "ppc64" "ppc" "mips64" "arm64" ]; };
    testStaticAndShared = {
      expr = map (s: let p = elaborate s; in [ p.isStatic p.hasSharedLibraries ]) [ "x86_64-linux" "wasm32-wasi" "x86_64-redox" "arm-none" ];
      expected = [ [ false true ] [ true false ] [ true false ] [ false false ] ];
    };
    testUserIsStatic = { expr = let p = elaborate { system = "x86_64-linux"; isStatic = true; }; in [ p.isStatic p.hasSharedLibraries p.extensions.library ]; expected = [ true false ".a" ]; };
    testUserFieldsWin = {
      expr = let p = elaborate { system = "x86_64-linux"; libc = "musl"; useLLVM = true; gcc = { arch = "x86-64-v3"; }; rust.rustcTarget = "custom"; }; in [ p.libc p.useLLVM p.linker p.gcc p.rust.rustcTarget ];
      expected = [ "musl" true "lld" { arch = "x86-64-v3"; } "custom" ];
    };
    testPlatformGccDefaults = {
      expr = map (s: (elaborate s).gcc) [ "armv5tel-linux" "armv6l-linux" "armv7l-linux" "mipsel-linux" ];
      expected = [ { arch = "armv5te"; } { arch = "armv6kz"; fpu = "vfpv2"; } { arch = "armv7-a"; fpu = "vfpv3-d16"; } { arch = "mips32r2"; abi = "32"; } ];
    };
    testDarwinGcc = { expr = (elaborate "aarch64-darwin").gcc ? cpu; expected = true; };
    testRust = {
      expr = map (s: (elaborate s).rust.rustcTarget) [ "x86_64-linux" "armv7l-linux" "riscv64-linux" "aarch64-darwin" "powerpc64-linux" "wasm32-wasi" ];
      expected = [ "x86_64-unknown-linux-gnu" "armv7-unknown-linux-gnueabihf" "riscv64gc-unknown-linux-gnu" "aarch64-apple-darwin" "powerpc64-unknown-linux-gnu" "wasm32-wasip1" ];
    };
    testRustExample = { expr = (elaborate examples.aarch64-embedded).rust.rustcTarget; expected = "aarch64-unknown-none"; };
    testPrebuiltFlags = { expr = [ x86.useAndroidPrebuilt x86.useiOSPrebuilt (elaborate examples.aarch64-android-prebuilt).useAndroidPrebuilt ]; expected = [ false false true ]; };
    testWithoutFunctions = {
      expr = [ (x86._withoutFunctions ? canExecute) (x86._withoutFunctions ? emulator) (x86._withoutFunctions ? config) (x86._withoutFunctions ? _withoutFunctions) ];
      expected = [ false false true false ];
    };

    # Notes column of the 2.8 table
    testNotesAarch64 = { expr = let p = elaborate examples.aarch64-multiplatform; in [ p.gcc.arch p.qemuArch p.linuxArch ]; expected = [ "armv8-a" "aarch64" "arm64" ]; };
    testNotesRiscv64 = { expr = (elaborate examples.riscv64).linuxArch; expected = "riscv"; };
    testNotesRaspberryPi = { expr = let p = elaborate examples.raspberryPi; in [ p.gcc p.isAarch32 ]; expected = [ { arch = "armv6kz"; fpu = "vfpv2"; } true ]; };
    testNotesArmv7 = { expr = (elaborate examples.armv7l-hf-multiplatform).isArmv7; expected = true; };
    testNotesGnu32 = { expr = (elaborate examples.gnu32).qemuArch; expected = "i386"; };
    testNotesMingw = {
      expr = let p = elaborate examples.mingwW64; in [ p.isMinGW p.isWindows p.extensions.executable p.extensions.sharedLibrary ];
      expected = [ true true ".exe" ".dll" ];
    };
    testNotesPpc64 = { expr = let p = elaborate examples.ppc64; in [ p.isBigEndian p.isPower64 ]; expected = [ true true ]; };
    testNotesPowernv = { expr = (elaborate examples.powernv).qemuArch; expected = "ppc64le"; };
    testNotesS390x = { expr = (elaborate examples.s390x).isBigEndian; expected = true; };
    testNotesMips64el = { expr = (elaborate examples.mips64el-linux-gnuabi64).gcc; expected = { arch = "mips64r2"; abi = "64"; }; };
    testNotesWasi = {
      expr = let p = elaborate examples.wasi32; in [ p.useLLVM p.isStatic (p.extensions ? sharedLibrary) ];
      expected = [ true true false ];
    };
    testNotesFreebsd = { expr = let p = elaborate examples.x86_64-freebsd; in [ p.useLLVM p.isBSD ]; expected = [ true true ]; };
    testNotesDarwin = { expr = (elaborate examples.aarch64-darwin).extensions.sharedLibrary; expected = ".dylib"; };
    testNotesArmEmbedded = { expr = (elaborate examples.armhf-embedded).gcc; expected = { arch = "armv5t"; fpu = "vfp"; }; };

    # ---- 2.5 re-elaboration --------------------------------------------
    testReelaborate = {
      expr = builtins.filter (i: let p = elaborate i; in !(equals p (elaborate p))) allInputs;
      expected = [ ];
    };
    testReelaborateKeepsConfig = { expr = (elaborate (elaborate { config = "x86_64-w64-mingw32"; })).config; expected = "x86_64-w64-mingw32"; };
    testReelaborateKeepsUserFields = { expr = (elaborate (elaborate { system = "x86_64-linux"; isStatic = true; })).isStatic; expected = true; };

    # ---- Table B: equality and canExecute ----------------------------------
    testEqualityFresh = { expr = elaborate "x86_64-linux" == elaborate "x86_64-linux"; expected = false; };
    testEqualitySame = { expr = [ (x86 == x86) (x86 == x86 // { }) ]; expected = [ true true ]; };
    testEqualsConfig = { expr = equals x86 (elaborate { config = "x86_64-unknown-linux-gnu"; }); expected = true; };
    testEqualsGnu64 = { expr = equals x86 (elaborate examples.gnu64); expected = true; };
    testEqualsMusl = { expr = equals x86 musl64; expected = false; };
    testCanExecuteX86I686 = { expr = [ (x86.canExecute i686) (i686.canExecute x86) ]; expected = [ true false ]; };
    testCanExecuteMusl = { expr = x86.canExecute musl64; expected = true; };
    testCanExecuteNot = { expr = [ (x86.canExecute aarch64) (x86.canExecute x86_64-darwin) (x86.canExecute mingwW64) ]; expected = [ false false false ]; };
    testCanExecuteArm = { expr = [ (armv7l.canExecute armv6l) (aarch64.canExecute armv7l) (armv6l.canExecute armv7l) ]; expected = [ true false false ]; };
    testCanExecuteSelf = { expr = builtins.filter (i: let p = elaborate i; in !(p.canExecute p)) allInputs; expected = [ ]; };
    testCanExecuteMatrix = {
      expr = [
        (canExec "x86_64-linux" "i386-linux")
        (canExec "i686-linux" "i386-linux")
        (canExec "i386-linux" "i686-linux")
        (canExec "armv7a-linux" "armv7l-linux")
        (canExec "armv7l-linux" "armv7a-linux")
        (canExec "armv7l-linux" "armv5tel-linux")
        (canExec "armv7l-linux" "arm-linux")
        (canExec "armv7l-linux" "arm-none")
        (canExec "aarch64-linux" "aarch64-darwin")
        (canExec "powerpc64-linux" "powerpc-linux")
        (canExec "powerpc64le-linux" "powerpc64-linux")
        (canExec "mips64el-linux" "mipsel-linux")
        (canExec "mips64-linux" "mipsel-linux")
        (canExec "x86_64-darwin" "i686-darwin")
        (canExec "aarch64-linux" examples.aarch64-android)
        (canExec examples.aarch64-android examples.aarch64-android-prebuilt)
        (canExec "x86_64-linux" "x86_64-windows")
      ];
      expected = [ true true false true false true true false false true false true false true false true false ];
    };
    testCanExecuteGccArch = {
      expr = [
        (canExec { system = "x86_64-linux"; gcc.arch = "x86-64-v3"; } { system = "x86_64-linux"; gcc.arch = "x86-64-v2"; })
        (canExec { system = "x86_64-linux"; gcc.arch = "x86-64-v2"; } { system = "x86_64-linux"; gcc.arch = "x86-64-v3"; })
        (canExec "x86_64-linux" { system = "x86_64-linux"; gcc.arch = "x86-64-v2"; })
        (canExec { system = "x86_64-linux"; gcc.arch = "znver4"; } { system = "x86_64-linux"; gcc.arch = "haswell"; })
        (canExec { system = "x86_64-linux"; gcc.arch = "x86-64-v2"; } "i686-linux")
      ];
      expected = [ true false false true true ];
    };
    testIsCompatible = {
      expr =
        let
          c = parse.cpuTypes;
        in
        [ (parse.isCompatible c.x86_64 c.i386) (parse.isCompatible c.i386 c.x86_64) (parse.isCompatible c.armv7r c.armv6m) (parse.isCompatible c.aarch64 c.armv8a) (parse.isCompatible c.aarch64 c.armv7l) (parse.isCompatible c.sparc64 c.sparc) ];
      expected = [ true false true true false true ];
    };

    # ---- 2.9 emulators ---------------------------------------------------
    testEmulatorQemu = { expr = hasSuffix "/bin/qemu-aarch64" (aarch64.emulator N); expected = true; };
    testEmulatorQemuPath = { expr = aarch64.emulator N == "${N.qemu-user}/bin/qemu-aarch64"; expected = true; };
    testEmulatorNative = { expr = [ (x86.emulatorAvailable N) (hasSuffix "/bin/exec" (x86.emulator N)) (musl64.emulatorAvailable N) (i686.emulatorAvailable N) ]; expected = [ true true true true ]; };
    testEmulatorUnavailable = {
      expr = let p = elaborate examples.arm-embedded; in [ (p.emulatorAvailable N) (p.staticEmulatorAvailable N) (throws (p.emulator N)) ];
      expected = [ false false true ];
    };
    testEmulatorWine = { expr = hasSuffix "/bin/wine" (mingwW64.emulator N); expected = true; };
    testEmulatorWasmtime = { expr = hasSuffix "/bin/wasmtime" ((elaborate examples.wasi32).emulator N); expected = true; };
    testEmulatorMmix = { expr = hasSuffix "/bin/mmix" ((elaborate examples.mmix).emulator N); expected = true; };
    testEmulatorNode = { expr = hasSuffix "/bin/node" ((elaborate examples.ghcjs).emulator N); expected = true; };
    testEmulatorS390 = { expr = (elaborate examples.s390).emulatorAvailable N; expected = false; };
    testEmulatorFromDarwin = { expr = aarch64.emulatorAvailable (fakePkgs x86_64-darwin); expected = false; };
    testStaticEmulatorAvailable = {
      expr = [ (aarch64.staticEmulatorAvailable N) (mingwW64.staticEmulatorAvailable N) ((elaborate examples.wasi32).staticEmulatorAvailable N) ];
      expected = [ true false true ];
    };
    testEmulatorLazyInPackages = { expr = aarch64.emulatorAvailable { stdenv.hostPlatform = x86; }; expected = true; };

    # ---- inspect helpers ------------------------------------------------
    testMatchAnyAttrs = {
      expr = [ (inspect.matchAnyAttrs [ { cpu.bits = 32; } { cpu.bits = 64; } ] x86.parsed) (inspect.matchAnyAttrs { cpu.bits = 32; } x86.parsed) ];
      expected = [ true false ];
    };
    testPatternLogicalAnd = {
      expr = map (p: inspect.matchAnyAttrs p x86.parsed) [ (inspect.patternLogicalAnd inspect.patterns.isLinux inspect.patterns.is64bit) (inspect.patternLogicalAnd inspect.patterns.isLinux inspect.patterns.is32bit) ];
      expected = [ true false ];
    };
    testPlatformPatterns = { expr = lib.meta.platformMatch (elaborate { system = "x86_64-linux"; isStatic = true; }) inspect.platformPatterns.isStatic; expected = true; };
    testPlatformsSelect = { expr = (lib.systems.platforms.select armv6l).gcc.arch; expected = "armv6kz"; };
    testElaborateLoadsLittle = {
      # elaborate must not need the heavier sub-libraries
      expr =
        let
          l = (import ../../lib).extend (f: p: { customisation = throw "c"; debug = throw "d"; versions = throw "v"; meta = throw "m"; fixedPoints = throw "fp"; });
          p = l.systems.elaborate "x86_64-linux";
        in
        builtins.deepSeq p._withoutFunctions p.config;
      expected = "x86_64-unknown-linux-gnu";
    };
    testArchInferiors = { expr = lib.systems.platforms.archInferiors "x86-64-v3"; expected = [ "x86-64-v2" "x86-64" ]; };
  }
)
