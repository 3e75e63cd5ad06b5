# NixOS-lite beyond the §13.H table: the nixpkgs.* options one by one,
# system.build.toplevel, assertions and warnings, versions, the host name,
# eval-config's arguments, and the rename helpers in a NixOS context.
let
  h = import ./_helpers.nix;
  inherit (h)
    lib
    throws
    throwsWhnf
    nixosSystem
    importPkgs
    pkgsPath
    ;
  inherit (lib) mkOption types mkForce;

  version = lib.trivial.release + lib.trivial.versionSuffix;
  x86 = { system = "x86_64-linux"; };

  simple = modules: nixosSystem {
    system = "x86_64-linux";
    inherit modules;
  };

  aarch64Pkgs = importPkgs { localSystem = "aarch64-linux"; };
  marker = final: prev: { marker = "overlaid"; };
in
h.runTests {
  # Result shape
  testResultAttributes = {
    expr = lib.all (n: (simple [ ]) ? ${n}) [ "config" "options" "pkgs" "lib" "extendModules" "type" "_module" ];
    expected = true;
  };
  testResultLib = {
    expr = (simple [ ]).lib ? nixosSystem;
    expected = true;
  };
  testClassIsNixos = {
    expr = (simple [ ]).class;
    expected = "nixos";
  };
  testDarwinModuleRejected = {
    expr = throwsWhnf (simple [ { _class = "darwin"; } ]).config;
    expected = true;
  };
  testModulesPathArgument = {
    expr = (simple [ ({ modulesPath, ... }: { networking.hostName = baseNameOf modulesPath; }) ]).config.networking.hostName;
    expected = "modules";
  };
  testDisableBaseModuleByString = {
    expr = (simple [ { disabledModules = [ "system/boot/binfmt.nix" ]; } ]).options ? boot;
    expected = false;
  };

  # Host name, versions, toplevel
  testHostNameDefault = {
    expr = (simple [ ]).config.networking.hostName;
    expected = "nixos";
  };
  testHostNameInToplevel = {
    expr = (simple [ { networking.hostName = "lp4a"; } ]).config.system.build.toplevel.name;
    expected = "nixos-system-lp4a-${version}";
  };
  testBadHostName = {
    expr = throws (simple [ { networking.hostName = "no spaces"; } ]).config.networking.hostName;
    expected = true;
  };
  testEmptyHostNameUnnamed = {
    expr = (simple [ { networking.hostName = ""; } ]).config.system.name;
    expected = "unnamed";
  };
  testVersions = {
    expr =
      let
        c = (simple [ ]).config.system;
      in
      [
        c.nixos.release
        c.nixos.codeName
        c.nixos.version
        c.nixos.label
        c.stateVersion
      ];
    expected = [
      lib.trivial.release
      lib.trivial.codeName
      version
      version
      lib.trivial.release
    ];
  };
  testStateVersionSet = {
    expr = (simple [ { system.stateVersion = "23.11"; } ]).config.system.stateVersion;
    expected = "23.11";
  };
  testTagsInLabel = {
    expr = (simple [ { system.nixos.tags = [ "b" "a" ]; } ]).config.system.build.toplevel.name;
    expected = "nixos-system-nixos-a-b-${version}";
  };
  testReleaseReadOnly = {
    expr = throws (simple [ { system.nixos.release = "1.0"; } ]).config.system.nixos.release;
    expected = true;
  };
  testToplevelShape = {
    expr =
      let
        t = (simple [ ]).config.system.build.toplevel;
      in
      [
        t.type
        t.system
        (lib.hasPrefix builtins.storeDir t.drvPath)
        (lib.hasSuffix "-nixos-system-nixos-${version}.drv" t.drvPath)
        (lib.hasSuffix "-nixos-system-nixos-${version}" t.outPath)
      ];
    expected = [ "derivation" "x86_64-linux" true true true ];
  };
  testToplevelHasPackages = {
    expr =
      let
        r = simple [ ({ pkgs, ... }: { environment.systemPackages = [ pkgs.hello ]; }) ];
      in
      map (p: p.name) r.config.system.build.toplevel.packages;
    expected = [ "hello-2.12.1" ];
  };
  testToplevelOnBuildPlatform = {
    expr =
      (nixosSystem {
        modules = [
          {
            nixpkgs.hostPlatform = "aarch64-linux";
            nixpkgs.buildPlatform = "x86_64-linux";
          }
        ];
      }).config.system.build.toplevel.name;
    expected = "nixos-system-nixos-${version}";
  };
  testSystemBuildExtensible = {
    expr = (simple [ { system.build.extra = "x"; } ]).config.system.build.extra;
    expected = "x";
  };
  testEmulatedSystemsAccepted = {
    expr = (simple [ { boot.binfmt.emulatedSystems = [ "aarch64-linux" "riscv64-linux" ]; } ]).config.boot.binfmt.emulatedSystems;
    expected = [ "aarch64-linux" "riscv64-linux" ];
  };
  testSystemPackagesDefault = {
    expr = (simple [ ]).config.environment.systemPackages;
    expected = [ ];
  };
  testSystemPackagesRejectNonPackage = {
    expr = throws (simple [ { environment.systemPackages = [ "hello" ]; } ]).config.environment.systemPackages;
    expected = true;
  };

  # Assertions and warnings
  testAssertionPasses = {
    expr =
      (simple [
        {
          assertions = [
            {
              assertion = true;
              message = "fine";
            }
          ];
        }
      ]).config.system.build.toplevel.name;
    expected = "nixos-system-nixos-${version}";
  };
  testAssertionFails = {
    expr = throws (simple [
      {
        assertions = [
          {
            assertion = false;
            message = "broken";
          }
        ];
      }
    ]).config.system.build.toplevel.name;
    expected = true;
  };
  testAssertionsOnlyWithToplevel = {
    expr =
      (simple [
        {
          assertions = [
            {
              assertion = false;
              message = "broken";
            }
          ];
        }
      ]).config.networking.hostName;
    expected = "nixos";
  };
  testWarningsDoNotFail = {
    expr = (simple [ { warnings = [ "careful" ]; } ]).config.system.build.toplevel.name;
    expected = "nixos-system-nixos-${version}";
  };

  # nixpkgs.system / localSystem (legacy)
  testSystemOption = {
    expr = (simple [ ]).config.nixpkgs.system;
    expected = "x86_64-linux";
  };
  testSystemOverridable = {
    expr = (simple [ { nixpkgs.system = "aarch64-linux"; } ]).pkgs.stdenv.hostPlatform.system;
    expected = "aarch64-linux";
  };
  testLocalSystemElaborated = {
    expr = (simple [ ]).config.nixpkgs.localSystem.config;
    expected = "x86_64-unknown-linux-gnu";
  };
  testLocalSystemLegacy = {
    expr =
      let
        r = nixosSystem { modules = [ { nixpkgs.localSystem = { system = "aarch64-linux"; }; } ]; };
      in
      [
        r.pkgs.stdenv.hostPlatform.config
        (r.pkgs.stdenv.hostPlatform == r.pkgs.stdenv.buildPlatform)
      ];
    expected = [ "aarch64-unknown-linux-gnu" true ];
  };
  testCrossSystemEqualToLocalIsNative = {
    expr =
      let
        r = simple [ { nixpkgs.crossSystem = { config = "x86_64-unknown-linux-gnu"; }; } ];
      in
      [
        (r.pkgs.stdenv.hostPlatform == r.pkgs.stdenv.buildPlatform)
        (r.pkgs.hello ? __spliced)
      ];
    expected = [ true false ];
  };
  testSystemUnsetThrows = {
    expr = throws (nixosSystem { modules = [ ]; }).pkgs.hello.name;
    expected = true;
  };
  testSystemReadWithHostPlatformThrows = {
    expr = throws (nixosSystem { modules = [ { nixpkgs.hostPlatform = "x86_64-linux"; } ]; }).config.nixpkgs.system;
    expected = true;
  };
  testSystemArgWithHostPlatformIsFine = {
    expr =
      (nixosSystem {
        system = "x86_64-linux";
        modules = [ { nixpkgs.hostPlatform = "aarch64-linux"; } ];
      }).config.system.build.toplevel.system;
    expected = "aarch64-linux";
  };

  # nixpkgs.hostPlatform / buildPlatform
  testHostPlatformElaborated = {
    expr = (nixosSystem { modules = [ { nixpkgs.hostPlatform = "aarch64-linux"; } ]; }).config.nixpkgs.hostPlatform.config;
    expected = "aarch64-unknown-linux-gnu";
  };
  testHostPlatformAttrs = {
    expr =
      (nixosSystem { modules = [ { nixpkgs.hostPlatform = { config = "riscv64-unknown-linux-gnu"; }; } ]; })
      .pkgs.stdenv.hostPlatform.system;
    expected = "riscv64-linux";
  };
  testBuildPlatformDefaultIsHostValue = {
    expr =
      let
        c = (nixosSystem { modules = [ { nixpkgs.hostPlatform = "aarch64-linux"; } ]; }).config.nixpkgs;
      in
      c.buildPlatform == c.hostPlatform;
    expected = true;
  };
  testEqualBuildPlatformReusesHost = {
    expr =
      let
        r = nixosSystem {
          modules = [
            {
              nixpkgs.hostPlatform = "aarch64-linux";
              nixpkgs.buildPlatform = { config = "aarch64-unknown-linux-gnu"; };
            }
          ];
        };
      in
      [
        (r.config.nixpkgs.buildPlatform == r.config.nixpkgs.hostPlatform)
        (r.pkgs.hello ? __spliced)
      ];
    expected = [ true false ];
  };
  testCrossViaPlatforms = {
    expr =
      let
        r = nixosSystem {
          modules = [
            {
              nixpkgs.hostPlatform = "riscv64-linux";
              nixpkgs.buildPlatform = "x86_64-linux";
            }
            ({ pkgs, ... }: { environment.systemPackages = [ pkgs.hello ]; })
          ];
        };
      in
      [
        (builtins.head r.config.environment.systemPackages).name
        r.pkgs.stdenv.buildPlatform.system
        (r.pkgs.hello ? __spliced)
      ];
    expected = [ "hello-riscv64-unknown-linux-gnu-2.12.1" "x86_64-linux" true ];
  };
  testMixingLocalSystemAndHostPlatform = {
    expr = throws (nixosSystem {
      modules = [
        {
          nixpkgs.hostPlatform = "aarch64-linux";
          nixpkgs.localSystem = x86;
        }
      ];
    }).config.system.build.toplevel.name;
    expected = true;
  };

  # nixpkgs.config / overlays
  testConfigReachesPkgs = {
    expr = (simple [ { nixpkgs.config.allowUnfree = true; } ]).pkgs.config.allowUnfree;
    expected = true;
  };
  testConfigMergedRecursively = {
    expr =
      let
        c = (simple [
          { nixpkgs.config.a.x = 1; }
          { nixpkgs.config.a.y = 2; }
        ]).config.nixpkgs.config;
      in
      c.a;
    expected = {
      x = 1;
      y = 2;
    };
  };
  testConfigFunction = {
    expr = (simple [ { nixpkgs.config = { pkgs }: { hasPkgs = pkgs ? hello; }; } ]).pkgs.config.hasPkgs;
    expected = true;
  };
  testPackageOverridesComposed = {
    expr =
      let
        c = (simple [
          { nixpkgs.config.packageOverrides = p: { one = 1; }; }
          { nixpkgs.config.packageOverrides = p: { two = 2; }; }
        ]).config.nixpkgs.config;
      in
      c.packageOverrides { };
    expected = {
      one = 1;
      two = 2;
    };
  };
  testOverlayApplied = {
    expr = (simple [ { nixpkgs.overlays = [ marker ]; } ]).pkgs.marker;
    expected = "overlaid";
  };
  testOverlayMustBeFunction = {
    expr = throws (simple [ { nixpkgs.overlays = [ 1 ]; } ]).config.nixpkgs.overlays;
    expected = true;
  };
  testOverlayOrderWithMkBefore = {
    expr =
      (simple [
        { nixpkgs.overlays = [ (f: p: { order = (p.order or [ ]) ++ [ "first-module" ]; }) ]; }
        { nixpkgs.overlays = lib.mkBefore [ (f: p: { order = (p.order or [ ]) ++ [ "before" ]; }) ]; }
      ]).pkgs.order;
    expected = [ "before" "first-module" ];
  };

  # nixpkgs.pkgs and the pkgs argument of eval-config
  testPkgsOption = {
    expr =
      let
        r = nixosSystem { modules = [ { nixpkgs.pkgs = aarch64Pkgs; } ]; };
      in
      [
        r.pkgs.stdenv.hostPlatform.config
        r.config.system.build.toplevel.system
      ];
    expected = [ "aarch64-unknown-linux-gnu" "aarch64-linux" ];
  };
  testPkgsOptionWithOverlays = {
    expr =
      (nixosSystem {
        modules = [
          {
            nixpkgs.pkgs = aarch64Pkgs;
            nixpkgs.overlays = [ marker ];
          }
        ];
      }).pkgs.marker;
    expected = "overlaid";
  };
  testPkgsArgument = {
    expr = (nixosSystem { pkgs = aarch64Pkgs; modules = [ ]; }).pkgs.hello.system;
    expected = "aarch64-linux";
  };
  testPkgsWithConfigFails = {
    expr = throws (nixosSystem {
      modules = [
        {
          nixpkgs.pkgs = aarch64Pkgs;
          nixpkgs.config.allowUnfree = true;
        }
      ];
    }).config.system.build.toplevel.name;
    expected = true;
  };
  testPkgsWithOtherSystemFails = {
    expr = throws (nixosSystem {
      system = "x86_64-linux";
      modules = [ { nixpkgs.pkgs = aarch64Pkgs; } ];
    }).config.system.build.toplevel.name;
    expected = true;
  };
  testPkgsWithMatchingSystemPasses = {
    expr =
      (nixosSystem {
        system = "aarch64-linux";
        modules = [ { nixpkgs.pkgs = aarch64Pkgs; } ];
      }).config.system.build.toplevel.system;
    expected = "aarch64-linux";
  };
  testModuleArgPkgsForced = {
    expr =
      (simple [
        { _module.args.pkgs = mkForce { hello = h.mkDrv { name = "mine"; }; }; }
        ({ pkgs, ... }: { environment.systemPackages = [ pkgs.hello ]; })
      ]).config.environment.systemPackages;
    expected = [ (h.mkDrv { name = "mine"; }) ];
  };
  testModuleArgPkgsTwiceConflicts = {
    expr = throws (simple [ { _module.args.pkgs = { }; } ]).pkgs;
    expected = true;
  };
  testEntryPointFunction = {
    expr =
      (simple [
        {
          nixpkgs.entryPoint = args: { __splicedPackages = { got = builtins.attrNames args; }; };
        }
      ]).pkgs.got;
    expected = [ "config" "crossSystem" "localSystem" "overlays" ];
  };

  # eval-config arguments
  testEvalConfigDirect = {
    expr =
      (import ../../nixos/lib/eval-config.nix {
        system = "aarch64-linux";
        inherit pkgsPath;
        modules = [ ];
      }).pkgs.stdenv.hostPlatform.system;
    expected = "aarch64-linux";
  };
  testEvalConfigCurrentSystem = {
    expr =
      (import ../../nixos/lib/eval-config.nix {
        inherit pkgsPath;
        modules = [ ];
      }).pkgs.stdenv.buildPlatform.system;
    expected = builtins.currentSystem;
  };
  testExtraModules = {
    expr =
      (nixosSystem {
        system = "x86_64-linux";
        extraModules = [ { networking.hostName = "extra"; } ];
        modules = [ ];
      }).config.networking.hostName;
    expected = "extra";
  };
  testSpecialArgsAndExtraArgs = {
    expr =
      (nixosSystem {
        system = "x86_64-linux";
        specialArgs.fromSpecial = "s";
        extraArgs.fromExtra = "e";
        modules = [ ({ fromSpecial, fromExtra, ... }: { networking.hostName = fromSpecial + fromExtra; }) ];
      }).config.networking.hostName;
    expected = "se";
  };
  testBaseModulesReplaced = {
    expr =
      (lib.nixosSystem {
        baseModules = [ ];
        modules = [ { options.only = mkOption { default = 1; }; } ];
      }).config;
    expected = {
      only = 1;
    };
  };
  testNixosSystemExtendModules = {
    expr =
      let
        r = simple [ ];
        r2 = r.extendModules { modules = [ { networking.hostName = "ext"; } ]; };
      in
      [
        r2.config.networking.hostName
        r2.pkgs.stdenv.hostPlatform.system
        (r2 ? extendModules)
      ];
    expected = [ "ext" "x86_64-linux" true ];
  };
  testPrefix = {
    expr = (nixosSystem { system = "x86_64-linux"; prefix = [ "machine" ]; modules = [ ]; }).options.networking.hostName.loc;
    expected = [ "machine" "networking" "hostName" ];
  };

  # Rename helpers against NixOS-lite's warnings/assertions
  testRenamedOption = {
    expr =
      let
        r = simple [
          (lib.mkRenamedOptionModule [ "networking" "host" ] [ "networking" "hostName" ])
          { networking.host = "renamed"; }
        ];
      in
      [
        r.config.networking.hostName
        (builtins.length r.config.warnings)
      ];
    expected = [ "renamed" 1 ];
  };
  testRenamedOptionUnused = {
    expr = (simple [ (lib.mkRenamedOptionModule [ "networking" "host" ] [ "networking" "hostName" ]) ]).config.warnings;
    expected = [ ];
  };
  testAliasOption = {
    expr =
      (simple [
        (lib.mkAliasOptionModule [ "hostname" ] [ "networking" "hostName" ])
        { hostname = "aliased"; }
      ]).config.networking.hostName;
    expected = "aliased";
  };
  testRemovedOption = {
    expr =
      let
        r = simple [
          (lib.mkRemovedOptionModule [ "services" "old" ] "Use services.new.")
          { services.old = true; }
        ];
      in
      [
        (throws r.config.system.build.toplevel.name)
        (builtins.length (builtins.filter (a: !a.assertion) r.config.assertions))
      ];
    expected = [ true 1 ];
  };
  testMkPackageOption = {
    expr =
      (simple [
        ({ pkgs, ... }: { options.myPkg = lib.mkPackageOption pkgs "hello" { }; })
      ]).config.myPkg.name;
    expected = "hello-2.12.1";
  };
  testMkPackageOptionNullable = {
    expr =
      (simple [
        ({ pkgs, ... }: {
          options.myPkg = lib.mkPackageOption pkgs "hello" {
            nullable = true;
            default = null;
          };
        })
      ]).config.myPkg;
    expected = null;
  };
}
