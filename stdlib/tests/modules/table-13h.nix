# Every row of cross.md §13.H ("Modules and flakes"), in table order.
let
  h = import ./_helpers.nix;
  inherit (h)
    lib
    throws
    throwsWhnf
    cfgOf
    opt
    nixosSystem
    importPkgs
    ;
  inherit (lib)
    types
    mkForce
    mkDefault
    mkOptionDefault
    mkBefore
    mkAfter
    mkIf
    ;

  optA = opt "a" types.int { default = 4; };
  optL = opt "l" (types.listOf types.str) { default = [ ]; };
  optN = opt "n" types.attrs { };
  named = name: { l = [ name ]; };

  gcc12 = self: super: { gcc = self.gcc12; };
  pkgs-gcc12 = importPkgs {
    localSystem = "x86_64-linux";
    crossSystem = {
      config = "riscv64-unknown-linux-gnu";
    };
    overlays = [ gcc12 ];
  };

  # Seed flake 1 (riscv64 cross through the legacy crossSystem).
  flake1 = nixosSystem {
    system = "x86_64-linux";
    modules = [
      {
        nixpkgs.crossSystem = {
          system = "riscv64-linux";
        };
      }
      ({ pkgs, ... }: { environment.systemPackages = [ pkgs.hello ]; })
    ];
  };
  # Seed flake 2 (gcc12 overlay in the module).
  flake2 = nixosSystem {
    system = "x86_64-linux";
    modules = [
      {
        nixpkgs.crossSystem = {
          config = "riscv64-unknown-linux-gnu";
        };
        nixpkgs.overlays = [ gcc12 ];
      }
    ];
  };
  # Seed flake 3 (emulated: a foreign system, no crossSystem).
  flake3 = nixosSystem {
    system = "riscv64-linux";
    modules = [ ];
  };
  # Seed flake 4, with the `nigpkgs` typo corrected or kept.
  flake4 =
    attr:
    nixosSystem {
      system = "x86_64-linux";
      specialArgs = { inherit pkgs-gcc12; };
      modules = [
        {
          ${attr}.crossSystem = {
            config = "riscv64-unknown-linux-gnu";
          };
        }
        ({ pkgs-gcc12, ... }: { environment.systemPackages = [ pkgs-gcc12.hello ]; })
      ];
    };

  o1 = final: prev: { which = prev.which or [ ] ++ [ "o1" ]; };
  o2 = final: prev: { which = prev.which or [ ] ++ [ "o2" ]; };
  overlaysSystem = nixosSystem {
    system = "x86_64-linux";
    modules = [
      { nixpkgs.overlays = [ o1 ]; }
      { nixpkgs.overlays = [ o2 ]; }
    ];
  };
in
h.runTests {
  testForceBeatsPlain = {
    expr = (cfgOf [ optA { a = 1; } { a = mkForce 2; } ]).a;
    expected = 2;
  };
  testPlainBeatsDefault = {
    expr = (cfgOf [ optA { a = mkDefault 1; } { a = 3; } ]).a;
    expected = 3;
  };
  testOptionDefaultTiesWithDefault = {
    expr = throws (cfgOf [ optA { a = mkOptionDefault 5; } ]).a;
    expected = true;
  };
  testOptionDefaultEqualToDefault = {
    expr = (cfgOf [ optA { a = mkOptionDefault 4; } ]).a;
    expected = 4;
  };
  testBeforeAfter = {
    expr = (cfgOf [ optL { l = [ "a" ]; } { l = mkBefore [ "b" ]; } { l = mkAfter [ "c" ]; } ]).l;
    expected = [ "b" "a" "c" ];
  };
  testLaterModulesFirst = {
    expr = (cfgOf [ optL { l = [ "a" ]; } { l = [ "x" ]; } { l = [ "z" ]; } ]).l;
    expected = [ "z" "x" "a" ];
  };
  testImportsLevelOrder = {
    expr =
      (cfgOf [
        optL
        (named "A" // { imports = [ (named "A1") (named "A2") ]; })
        (named "B" // { imports = [ (named "B1") ]; })
      ]).l;
    expected = [ "B1" "A2" "A1" "B" "A" ];
  };
  testAttrsFirstModuleWins = {
    expr = (cfgOf [ optN { n = { y = 1; }; } { n = { y = 2; }; } ]).n;
    expected = { y = 1; };
  };
  testMkIfFalseFallsBackToDefault = {
    expr = (cfgOf [ optA { a = mkIf false 1; } ]).a;
    expected = 4;
  };
  testUndeclaredOption = {
    expr = throwsWhnf (cfgOf [ optA { nigpkgs.crossSystem = { }; } ]);
    expected = true;
  };
  testNullAndNotNull = {
    expr = throws (cfgOf [ (opt "x" (types.nullOr types.attrs) { }) { x = null; } { x = { x = 1; }; } ]).x;
    expected = true;
  };
  testSamePathImportedTwice = {
    expr =
      (cfgOf [
        optL
        ./fixtures/collect/a.nix
        { imports = [ ./fixtures/collect/a.nix ]; }
      ]).l;
    expected = [ "a" ];
  };
  testSpecialArgsToFunctionModule = {
    expr =
      (lib.evalModules {
        specialArgs = {
          pkgs-gcc12 = "given";
        };
        modules = [
          (opt "s" types.str { })
          ({ pkgs-gcc12, ... }: { s = pkgs-gcc12; })
        ];
      }).config.s;
    expected = "given";
  };

  testFlake1HostPlatform = {
    expr = (builtins.head flake1.config.environment.systemPackages).stdenv.hostPlatform.system;
    expected = "riscv64-linux";
  };
  testFlake1BuildPlatform = {
    expr = flake1.pkgs.stdenv.buildPlatform.system;
    expected = "x86_64-linux";
  };
  testFlake1Spliced = {
    expr = flake1.pkgs.hello ? __spliced;
    expected = true;
  };
  testFlake1PackageSystem = {
    expr = (builtins.head flake1.config.environment.systemPackages).system;
    expected = "x86_64-linux";
  };
  testFlake2Gcc12 = {
    expr = flake2.pkgs.stdenv.cc.name;
    expected = "riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-12.2.0";
  };
  testFlake3Native = {
    expr = flake3.pkgs.stdenv.hostPlatform == flake3.pkgs.stdenv.buildPlatform;
    expected = true;
  };
  testFlake3HelloSystem = {
    expr = flake3.pkgs.hello.system;
    expected = "riscv64-linux";
  };
  testFlake4SpecialArgsPackage = {
    expr = (builtins.head (flake4 "nixpkgs").config.environment.systemPackages).stdenv.cc.name;
    expected = "riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-12.2.0";
  };
  testFlake4ModulePkgsWithoutOverlay = {
    expr = lib.hasSuffix "-11.3.0" (flake4 "nixpkgs").pkgs.stdenv.cc.name;
    expected = true;
  };
  testFlake4TypoConfig = {
    expr = throwsWhnf (flake4 "nigpkgs").config;
    expected = true;
  };
  testFlake4TypoPkgs = {
    expr = throws (flake4 "nigpkgs").pkgs.stdenv.cc.name;
    expected = true;
  };
  testFlake4TypoToplevel = {
    expr = throws (flake4 "nigpkgs").config.system.build.toplevel.name;
    expected = true;
  };
  testHostAndBuildPlatform = {
    expr =
      (nixosSystem {
        modules = [
          {
            nixpkgs.hostPlatform = "aarch64-linux";
            nixpkgs.buildPlatform = "x86_64-linux";
          }
        ];
      }).pkgs.stdenv.hostPlatform.config;
    expected = "aarch64-unknown-linux-gnu";
  };
  testHostPlatformOnlyIsNative = {
    expr =
      let
        r = nixosSystem { modules = [ { nixpkgs.hostPlatform = "x86_64-linux"; } ]; };
      in
      r.pkgs.stdenv.hostPlatform == r.pkgs.stdenv.buildPlatform;
    expected = true;
  };
  testMixingLegacyAndNew = {
    expr =
      let
        r = nixosSystem {
          modules = [
            {
              nixpkgs.hostPlatform = "aarch64-linux";
              nixpkgs.crossSystem = {
                system = "aarch64-linux";
              };
            }
          ];
        };
      in
      [
        (throws r.config.system.build.toplevel.name)
        # only the toplevel (where assertions are checked) fails
        r.pkgs.stdenv.hostPlatform.config
      ];
    expected = [
      true
      "aarch64-unknown-linux-gnu"
    ];
  };
  testOverlaysDefinitionOrder = {
    expr = map (o: (o { } { }).which) overlaysSystem.config.nixpkgs.overlays;
    expected = [
      [ "o2" ]
      [ "o1" ]
    ];
  };
  testOverlaysAppliedInThatOrder = {
    expr = overlaysSystem.pkgs.which;
    expected = [ "o2" "o1" ];
  };
  testToplevelName = {
    expr = flake1.config.system.build.toplevel.name;
    expected = "nixos-system-nixos-${lib.trivial.release}${lib.trivial.versionSuffix}";
  };
}
