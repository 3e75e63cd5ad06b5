# `lib.systems`: platform records.  `elaborate` turns a system string or a
# partial platform (`{ config = …; }`, `{ system = …; }`, an example, or an
# already elaborated platform) into the full record that stdenv's
# buildPlatform/hostPlatform/targetPlatform are made of.
{ lib }:
let
  b = builtins;
  inherit (lib.strings) optionalString;

  parse = import ./parse.nix { inherit lib; };
  inspect = import ./inspect.nix { inherit lib; };
  platforms = import ./platforms.nix { inherit lib; };
  examples = import ./examples.nix { inherit lib; };
  doubles = import ./doubles.nix { inherit lib; };

  # Record fields holding functions; `_withoutFunctions` leaves them out so
  # that platforms can be compared structurally.
  functionNames = [
    "canExecute"
    "emulator"
    "emulatorAvailable"
    "staticEmulatorAvailable"
  ];

  systemToAttrs = systemOrArgs: if b.isAttrs systemOrArgs then systemOrArgs else { system = systemOrArgs; };

  # Rust's names for CPUs and vendors where they differ from ours.
  rustCpuNames = {
    armv7a = "armv7";
    armv7l = "armv7";
    armv6l = "arm";
    armv5tel = "armv5te";
    riscv32 = "riscv32gc";
    riscv64 = "riscv64gc";
  };
  rustVendorNames = {
    w64 = "pc";
  };
  rustAbiNames = {
    gnuabielfv1 = "gnu";
    gnuabielfv2 = "gnu";
  };

  elaborate =
    systemOrArgs:
    let
      allArgs = systemToAttrs systemOrArgs;
      args = removeAttrs allArgs [
        "parsed"
        "system"
        "_withoutFunctions"
      ];

      # Precedence: config > system > parsed.  A `parsed` that prints to the
      # given `config` (as in an already elaborated platform) is reused rather
      # than re-parsed: same value, and re-elaboration then works even for
      # platforms whose printed triple is not itself parseable ("avr-unknown-none").
      parsed =
        if args ? config then
          (
            if parse.isSystem (allArgs.parsed or null) && parse.tripleFromSystem allArgs.parsed == args.config then
              allArgs.parsed
            else
              parse.mkSystemFromString args.config
          )
        else if allArgs ? system then
          parse.mkSystemFromString allArgs.system
        else if allArgs ? parsed then
          allArgs.parsed
        else
          b.throw "lib.systems.elaborate: the platform needs one of `config`, `system` or `parsed`";

      userRust = args.rust or args.rustc or { };

      # Which emulator (if any) can run this platform's programs on `pkgs`' host.
      emulatorKind =
        pkgs:
        if pkgs.stdenv.hostPlatform.canExecute final then
          "native"
        else if final.isWindows then
          "wine"
        else if final.isLinux && pkgs.stdenv.hostPlatform.isLinux && final.qemuArch != null then
          "qemu"
        else if final.isWasi then
          "wasmtime"
        else if final.isGhcjs then
          "node"
        else if final.isMmix then
          "mmix"
        else
          null;

      emulatorFor =
        pkgs: kind:
        if kind == "native" then
          lib.meta.getExe' (pkgs.writeShellScriptBin "exec" ''exec "$@"'') "exec"
        else if kind == "wine" then
          "${(pkgs.winePackagesFor "wine${toString final.parsed.cpu.bits}").minimal}/bin/wine"
        else if kind == "qemu" then
          "${pkgs.qemu-user or pkgs.qemu}/bin/qemu-${final.qemuArch}"
        else if kind == "wasmtime" then
          "${pkgs.wasmtime}/bin/wasmtime"
        else if kind == "node" then
          "${pkgs.nodejs-slim or pkgs.nodejs}/bin/node"
        else
          "${pkgs.mmixware}/bin/mmix";

      computed = {
        _withoutFunctions = removeAttrs final (functionNames ++ [ "_withoutFunctions" ]);

        inherit parsed;
        system = parse.doubleFromSystem final.parsed;
        config = parse.tripleFromSystem final.parsed;

        canExecute =
          other:
          final.isAndroid == other.isAndroid
          && parse.isCompatible final.parsed.cpu other.parsed.cpu
          && final.parsed.kernel == other.parsed.kernel
          && (
            final.parsed.cpu != other.parsed.cpu
            || !(other ? gcc.arch)
            || (final ? gcc.arch && platforms.archCanExecute final.gcc.arch other.gcc.arch)
          );

        useLLVM = final.isFreeBSD || final.isOpenBSD;

        libc =
          if final.isDarwin then
            "libSystem"
          else if final.isMsvc then
            "ucrt"
          else if final.isMinGW then
            "msvcrt"
          else if final.isCygwin then
            "cygwin"
          else if final.isWasi then
            "wasilibc"
          else if final.isWasm then
            null
          else if final.isRedox then
            "relibc"
          else if final.isMusl then
            "musl"
          else if final.isUClibc then
            "uclibc"
          else if final.isAndroid then
            "bionic"
          else if final.isLinux then
            "glibc"
          else if final.isFreeBSD then
            "fblibc"
          else if final.isOpenBSD then
            "oblibc"
          else if final.isNetBSD then
            "nblibc"
          else if final.isAvr then
            "avrlibc"
          else if final.isGhcjs then
            null
          else if final.isNone then
            "newlib"
          else
            "native/impure";

        linker =
          if final.useLLVM or false then
            "lld"
          else if final.isDarwin then
            "cctools"
          else
            "bfd";

        libDir =
          if final.isLinux then
            (if final.isx86_64 || final.isMips64 || final.isPower64 then "lib64" else "lib")
          else
            null;

        extensions =
          {
            staticLibrary = if final.isWindows then ".lib" else ".a";
            library =
              if final.hasSharedLibraries then final.extensions.sharedLibrary else final.extensions.staticLibrary;
            executable = if final.isWindows || final.isCygwin then ".exe" else "";
          }
          // lib.attrsets.optionalAttrs final.hasSharedLibraries {
            sharedLibrary =
              if final.isDarwin then
                ".dylib"
              else if final.isWindows || final.isCygwin then
                ".dll"
              else
                ".so";
          };

        useAndroidPrebuilt = false;
        useiOSPrebuilt = false;

        uname = {
          system =
            {
              linux = "Linux";
              windows = "Windows";
              cygwin = "CYGWIN_NT";
              darwin = "Darwin";
              netbsd = "NetBSD";
              freebsd = "FreeBSD";
              openbsd = "OpenBSD";
              wasi = "Wasi";
              redox = "Redox";
              genode = "Genode";
            }
            .${final.parsed.kernel.name} or null;
          processor =
            if final.isPower64 then
              "ppc64${optionalString final.isLittleEndian "le"}"
            else if final.isPower then
              "ppc${optionalString final.isLittleEndian "le"}"
            else if final.isMips64 then
              "mips64"
            else if final.isDarwin then
              final.darwinArch
            else
              final.parsed.cpu.name;
          release = null;
        };

        hasSharedLibraries =
          (
            final.isAndroid
            || final.isGnu
            || final.isMusl
            || final.isDarwin
            || final.isSunOS
            || final.isOpenBSD
            || final.isFreeBSD
            || final.isNetBSD
            || final.isCygwin
            || final.isMinGW
            || final.isWindows
            || final.isWasm
          )
          && !final.isStatic;

        isStatic = final.isWasi || final.isRedox;

        # The user's `gcc` unless the platform has its own defaults.
        gcc = (platforms.select final).gcc or (args.gcc or { });

        linuxArch =
          if final.isAarch32 then
            "arm"
          else if final.isAarch64 then
            "arm64"
          else if final.isx86_32 then
            "i386"
          else if final.isx86_64 then
            "x86_64"
          else if final.isMicroBlaze then
            "microblaze"
          else if final.isMips then
            "mips"
          else if final.isPower then
            "powerpc"
          else if final.isRiscV then
            "riscv"
          else if final.isSh4 then
            "sh"
          else if final.isS390 then
            "s390"
          else if final.isLoongArch64 then
            "loongarch"
          else
            final.parsed.cpu.name;

        ubootArch =
          if final.isx86_32 then
            "x86"
          else if final.isMips64 then
            "mips64"
          else
            final.linuxArch;

        qemuArch =
          if final.isAarch32 then
            "arm"
          else if final.isAarch64 then
            "aarch64${optionalString final.isBigEndian "_be"}"
          else if final.isS390 && !final.isS390x then
            null
          else if final.isx86_64 then
            "x86_64"
          else if final.isx86 then
            "i386"
          else if final.isMips64n32 then
            "mipsn32${optionalString final.isLittleEndian "el"}"
          else if final.isMips64 then
            "mips64${optionalString final.isLittleEndian "el"}"
          else
            final.uname.processor;

        efiArch =
          if final.isx86_32 then
            "ia32"
          else if final.isx86_64 then
            "x64"
          else if final.isAarch32 then
            "arm"
          else if final.isAarch64 then
            "aa64"
          else
            final.parsed.cpu.name;

        darwinArch = parse.darwinArch final.parsed.cpu;
        darwinPlatform =
          if final.isMacOS then
            "macos"
          else if final.isiOS then
            "ios"
          else
            null;
        darwinSdkVersion = final.sdkVer or "14.4";
        darwinMinVersion = "14.0";
        darwinMinVersionVariable =
          if final.isMacOS then
            "MACOSX_DEPLOYMENT_TARGET"
          else if final.isiOS then
            "IPHONEOS_DEPLOYMENT_TARGET"
          else
            null;

        androidSdkVersion = args.androidSdkVersion or null;
        androidNdkVersion = args.androidNdkVersion or null;

        emulatorAvailable = pkgs: emulatorKind pkgs != null;

        staticEmulatorAvailable =
          pkgs: final.emulatorAvailable pkgs && (final.isLinux || final.isWasi || final.isMmix);

        emulator =
          pkgs:
          let
            kind = emulatorKind pkgs;
          in
          if kind != null then emulatorFor pkgs kind else b.throw "Don't know how to run ${final.config} executables.";
      };

      predicateValues = b.mapAttrs (_: pred: pred final.parsed) inspect.predicates;

      rust =
        let
          cpuName = final.parsed.cpu.name;
          rustCpu = rustCpuNames.${cpuName} or cpuName;
          rustVendor = rustVendorNames.${final.parsed.vendor.name} or final.parsed.vendor.name;
          # Rust has no separate ELFv1/ELFv2 targets on POWER.
          rustAbi = rustAbiNames.${final.parsed.abi.name} or final.parsed.abi.name;
          inferred =
            if final.isWasi then
              "${rustCpu}-wasip1"
            else
              "${rustCpu}-${rustVendor}-${final.parsed.kernel.name}${optionalString (rustAbi != "unknown") "-${rustAbi}"}";
          target = userRust.rustcTarget or inferred;
        in
        userRust
        // {
          rustcTarget = target;
          rustcTargetSpec = userRust.rustcTargetSpec or target;
          cargoShortTarget = userRust.cargoShortTarget or target;
          cargoEnvVarTarget =
            userRust.cargoEnvVarTarget or (lib.strings.toUpper (b.replaceStrings [ "-" ] [ "_" ] target));
          isNoStdTarget =
            userRust.isNoStdTarget or (b.any (x: b.elem x [ "none" "uefi" "3ds" "switch" ]) (
              lib.strings.splitString "-" target
            ));
        };

      final = computed // predicateValues // args // { inherit rust; };

      abiRulesHold = b.foldl' (
        ok: rule: if rule.assertion final then ok else b.throw rule.message
      ) true (final.parsed.abi.assertions or [ ]);
    in
    assert lib.asserts.assertMsg (final.useAndroidPrebuilt -> final.isAndroid)
      "lib.systems.elaborate: useAndroidPrebuilt is only for Android platforms (${final.config})";
    assert abiRulesHold;
    final;
in
{
  /**
    The parts `elaborate` is built from: `parse` (system strings and triples to
    structured records: `parse.mkSystemFromString`, the CPU, vendor, kernel and ABI
    tables), `inspect` (the `is*` predicates and `platformPatterns`), `platforms`
    (per-machine settings such as `gcc.arch` and `linux-kernel`), `examples`
    (ready-made platforms: `aarch64-multiplatform`, `mingwW64`, …) and `doubles` (lists
    of `cpu-os` system names: `doubles.linux`, `doubles.all`, …).
  */
  inherit
    parse
    inspect
    platforms
    examples
    doubles
    ;

  /**
    Systems a flake exposes by default.
  */
  flakeExposed = [
    "x86_64-linux"
    "aarch64-linux"
    "x86_64-darwin"
    "armv6l-linux"
    "armv7l-linux"
    "i686-linux"
    "aarch64-darwin"
    "powerpc64le-linux"
    "riscv64-linux"
    "x86_64-freebsd"
  ];

  /**
    Turns a system string into `{ system = …; }`; attribute sets pass through.

    # Example
    ```nix
    systemToAttrs "x86_64-linux"
    => { system = "x86_64-linux"; }
    ```
  */
  inherit systemToAttrs;

  /**
    Semantic equality of two elaborated platforms (their function-free parts).

    # Example
    ```nix
    equals (elaborate "x86_64-linux") (elaborate { config = "x86_64-unknown-linux-gnu"; })
    => true
    ```
  */
  equals = p1: p2: p1._withoutFunctions == p2._withoutFunctions;

  /**
    Completes a system string or a partial platform into a full platform record.
    `config` takes precedence over `system`, which takes precedence over `parsed`;
    a given `config` is kept verbatim, and every other given attribute overrides the
    computed one. Elaborating an elaborated platform is a semantic no-op.

    # Example
    ```nix
    (elaborate "aarch64-linux").config
    => "aarch64-unknown-linux-gnu"
    ```
  */
  inherit elaborate;
}
