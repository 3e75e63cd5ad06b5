# Module shapes and collection: attribute sets, functions and paths,
# `imports` (order, duplicates, cycles, keys), `disabledModules`, module
# arguments (specialArgs, _module.args, config/options/lib), the shorthand
# and full forms, `_file`, `_class`, `extendModules`, and the result shape.
let
  h = import ./_helpers.nix;
  inherit (h)
    lib
    throws
    throwsWhnf
    cfgOf
    opt
    eval
    ;
  inherit (lib) types mkOption;

  fx = ./fixtures/collect;
  optL = opt "l" (types.listOf types.str) { default = [ ]; };
  optN = opt "n" types.int { default = 0; };
  optS = opt "s" types.str { };
in
h.runTests {
  testResultShape = {
    expr = builtins.attrNames (eval [ optL ]);
    expected = [ "_module" "_type" "class" "config" "extendModules" "options" "type" ];
  };
  testResultType = {
    expr = [
      (eval [ ])._type
      (eval [ ]).type.name
      (eval [ ]).class
    ];
    expected = [ "configuration" "submodule" null ];
  };
  testConfigHidesModule = {
    expr = (eval [ optN ]).config;
    expected = {
      n = 0;
    };
  };
  testModuleInternals = {
    expr =
      let
        r = eval [ ];
      in
      [
        r._module.check
        r._module.freeformType
        (builtins.attrNames r._module.specialArgs)
      ];
    expected = [ true null [ ] ];
  };
  testOptionsTree = {
    expr = builtins.attrNames (eval [ (opt "x.y" types.int { }) (opt "x.z" types.int { }) ]).options.x;
    expected = [ "y" "z" ];
  };
  testEmptyModuleList = {
    expr = (eval [ ]).config;
    expected = { };
  };

  # Shapes
  testFullForm = {
    expr =
      (cfgOf [
        {
          options.n = mkOption { type = types.int; };
          config.n = 3;
        }
      ]).n;
    expected = 3;
  };
  testFunctionModule = {
    expr = (cfgOf [ optN ({ lib, ... }: { n = lib.add 1 2; }) ]).n;
    expected = 3;
  };
  testFunctionWithoutFormals = {
    expr = (cfgOf [ optN (args: { n = if args ? config && args ? options && args ? lib then 1 else 0; }) ]).n;
    expected = 1;
  };
  testFunctorModule = {
    expr =
      (cfgOf [
        optN
        {
          __functor = self: { lib, ... }: { n = self.v; };
          v = 6;
        }
      ]).n;
    expected = 6;
  };
  testPathModule = {
    expr = (cfgOf [ optL (toString fx + "/a.nix") ]).l;
    expected = [ "a" ];
  };
  testPathFunctionModule = {
    expr =
      (lib.evalModules {
        specialArgs.extra = "sa";
        modules = [
          optL
          optN
          (fx + "/fn.nix")
          { n = 7; }
        ];
      }).config.l;
    expected = [ "fn-sa-7" ];
  };
  testImportsTransitive = {
    expr = (cfgOf [ optL (fx + "/b.nix") ]).l;
    expected = [ "a" "b" ];
  };
  testImportsSamePathTwice = {
    expr =
      (cfgOf [
        optL
        (fx + "/b.nix")
        (fx + "/a.nix")
      ]).l;
    expected = [ "a" "b" ];
  };
  testImportsPathAndString = {
    expr = (cfgOf [ optL (fx + "/a.nix") (toString fx + "/a.nix") ]).l;
    expected = [ "a" ];
  };
  testInlineModulesNotDeduplicated = {
    expr =
      let
        m = { l = [ "m" ]; };
      in
      (cfgOf [ optL m m ]).l;
    expected = [ "m" "m" ];
  };
  testExplicitKeyDeduplicates = {
    expr =
      (cfgOf [
        optL
        (fx + "/keyed.nix")
        {
          key = "the-keyed-module";
          l = [ "other" ];
        }
      ]).l;
    expected = [ "keyed" ];
  };
  testImportCycle = {
    expr = (cfgOf [ optL (fx + "/cycle-a.nix") ]).l;
    expected = [ "cycle-b" "cycle-a" ];
  };
  testRequire = {
    expr =
      (cfgOf [
        optL
        { require = [ (fx + "/a.nix") ]; }
      ]).l;
    expected = [ "a" ];
  };
  testImportsInFullForm = {
    expr =
      (cfgOf [
        optL
        {
          imports = [ { l = [ "i" ]; } ];
          config.l = [ "c" ];
        }
      ]).l;
    expected = [ "i" "c" ];
  };
  testImportedOptions = {
    expr = (cfgOf [ { imports = [ optN ]; } { n = 2; } ]).n;
    expected = 2;
  };
  testUnsupportedAttributeThrows = {
    expr = throwsWhnf (cfgOf [
      optN
      {
        config.n = 1;
        n = 2;
      }
    ]);
    expected = true;
  };
  testNestedListThrows = {
    expr = throwsWhnf (cfgOf [ { imports = [ [ optN ] ]; } ]);
    expected = true;
  };
  testNonModuleThrows = {
    expr = throwsWhnf (cfgOf [ { imports = [ 5 ]; } ]);
    expected = true;
  };

  # disabledModules
  testDisabledPath = {
    expr =
      (cfgOf [
        optL
        (fx + "/disabled.nix")
        (fx + "/a.nix")
        { disabledModules = [ (fx + "/disabled.nix") ]; }
      ]).l;
    expected = [ "a" ];
  };
  testDisabledImportsAlsoGone = {
    expr =
      (cfgOf [
        optL
        (fx + "/disabled.nix")
        { disabledModules = [ (fx + "/disabled.nix") ]; }
      ]).l;
    expected = [ ];
  };
  testDisabledByString = {
    expr =
      (lib.evalModules {
        specialArgs.modulesPath = toString fx;
        modules = [
          optL
          (fx + "/a.nix")
          (fx + "/c.nix")
          { disabledModules = [ "c.nix" ]; }
        ];
      }).config.l;
    expected = [ "a" ];
  };
  testDisabledByAbsoluteString = {
    expr =
      (cfgOf [
        optL
        (fx + "/c.nix")
        (fx + "/a.nix")
        { disabledModules = [ "${toString fx}/c.nix" ]; }
      ]).l;
    expected = [ "a" ];
  };
  testDisabledByKey = {
    expr =
      (cfgOf [
        optL
        (fx + "/keyed.nix")
        (fx + "/a.nix")
        { disabledModules = [ { key = "the-keyed-module"; } ]; }
      ]).l;
    expected = [ "a" ];
  };
  testDisabledOptionModule = {
    expr =
      throwsWhnf
        (cfgOf [
          (fx + "/a.nix")
          {
            key = "decl";
            imports = [ optL ];
          }
          { disabledModules = [ { key = "decl"; } ]; }
        ]);
    expected = true;
  };
  testDisabledBadEntryThrows = {
    expr = throwsWhnf (cfgOf [ { disabledModules = [ 3 ]; } ]);
    expected = true;
  };

  # Module arguments
  testSpecialArgs = {
    expr =
      (lib.evalModules {
        specialArgs.greeting = "hi";
        modules = [
          optS
          ({ greeting, ... }: { s = greeting; })
        ];
      }).config.s;
    expected = "hi";
  };
  testModuleArgs = {
    expr =
      (cfgOf [
        optS
        { _module.args.greeting = "hello"; }
        ({ greeting, ... }: { s = greeting; })
      ]).s;
    expected = "hello";
  };
  testModuleArgsFromFunctionModule = {
    expr =
      (cfgOf [
        optS
        optN
        ({ config, ... }: { _module.args.double = config.n * 2; })
        { n = 21; }
        ({ double, ... }: { s = toString double; })
      ]).s;
    expected = "42";
  };
  testSpecialArgsWinOverModuleArgs = {
    expr =
      (lib.evalModules {
        specialArgs.who = "special";
        modules = [
          optS
          { _module.args.who = "module"; }
          ({ who, ... }: { s = who; })
        ];
      }).config.s;
    expected = "special";
  };
  testSpecialArgsVisibleWithEllipsis = {
    expr =
      (lib.evalModules {
        specialArgs.who = "special";
        modules = [
          optS
          (args: { s = args.who; })
        ];
      }).config.s;
    expected = "special";
  };
  testSpecialArgsRecorded = {
    expr =
      (lib.evalModules {
        specialArgs.who = "special";
        modules = [ ];
      })._module.specialArgs;
    expected = {
      who = "special";
    };
  };
  testLegacyArgs = {
    expr =
      (lib.evalModules {
        args.who = "legacy";
        modules = [
          optS
          ({ who, ... }: { s = who; })
        ];
      }).config.s;
    expected = "legacy";
  };
  testMissingArgumentOnlyWhenUsed = {
    expr = (cfgOf [ optN ({ nobody, ... }: { n = 1; }) ]).n;
    expected = 1;
  };
  testMissingArgumentThrows = {
    expr = throws (cfgOf [ optN ({ nobody, ... }: { n = nobody; }) ]).n;
    expected = true;
  };
  testLibArgument = {
    expr = (cfgOf [ optN ({ lib, ... }: { n = if lib ? evalModules then 1 else 0; }) ]).n;
    expected = 1;
  };
  testLibFromSpecialArgs = {
    expr =
      (lib.evalModules {
        specialArgs.lib = lib // {
          marker = 5;
        };
        modules = [
          optN
          ({ lib, ... }: { n = lib.marker; })
        ];
      }).config.n;
    expected = 5;
  };
  testOptionsArgument = {
    expr =
      (cfgOf [
        optN
        optS
        ({ options, ... }: { s = if options.n.isDefined then "yes" else "no"; })
      ]).s;
    expected = "yes";
  };
  testPrefixArgument = {
    expr =
      (lib.evalModules {
        prefix = [ "outer" ];
        modules = [
          optS
          ({ _prefix, ... }: { s = lib.concatStringsSep "." _prefix; })
        ];
      }).config.s;
    expected = "outer";
  };
  testPrefixInOptionLoc = {
    expr =
      (lib.evalModules {
        prefix = [ "outer" ];
        modules = [ optN ];
      }).options.n.loc;
    expected = [ "outer" "n" ];
  };
  testModuleArgsName = {
    expr = (cfgOf [ optS ({ name ? "none", ... }: { s = "x"; }) ]).s;
    expected = "x";
  };

  # Files
  testFileOfPathModule = {
    expr = (eval [ optL (fx + "/a.nix") ]).options.l.files;
    expected = [ "${toString fx}/a.nix" ];
  };
  testFilesOfImportedPaths = {
    expr = (eval [ optL (fx + "/b.nix") ]).options.l.files;
    expected = [ "${toString fx}/a.nix" "${toString fx}/b.nix" ];
  };
  testFileOfInlineImportInheritsParent = {
    expr = (eval [ optL (fx + "/inline.nix") ]).options.l.files;
    expected = [ "${toString fx}/inline.nix" ];
  };
  testExplicitFile = {
    expr =
      (eval [
        optL
        {
          _file = "here.nix";
          l = [ "x" ];
        }
      ]).options.l.files;
    expected = [ "here.nix" ];
  };
  testSetDefaultModuleLocation = {
    expr = (eval [ optL (lib.setDefaultModuleLocation "loc.nix" { l = [ "x" ]; }) ]).options.l.files;
    expected = [ "loc.nix" ];
  };
  testDeclarationFiles = {
    expr = (eval [ (fx + "/a.nix") (lib.setDefaultModuleLocation "decl.nix" optL) ]).options.l.declarations;
    expected = [ "decl.nix" ];
  };

  # Classes
  testClassMatches = {
    expr =
      (lib.evalModules {
        class = "nixos";
        modules = [
          optN
          {
            _class = "nixos";
            n = 1;
          }
        ];
      }).config.n;
    expected = 1;
  };
  testClassMismatch = {
    expr = throwsWhnf (
      lib.evalModules {
        class = "nixos";
        modules = [ { _class = "darwin"; } ];
      }
    ).config;
    expected = true;
  };
  testClassArgument = {
    expr =
      (lib.evalModules {
        class = "nixos";
        modules = [
          optS
          ({ _class, ... }: { s = _class; })
        ];
      }).config.s;
    expected = "nixos";
  };

  # _module.check
  testCheckOff = {
    expr =
      (cfgOf [
        optN
        { _module.check = false; }
        { undeclared = 1; }
      ]).n;
    expected = 0;
  };
  testCheckArgument = {
    expr =
      (lib.evalModules {
        check = false;
        modules = [ { undeclared = 1; } ];
      }).config;
    expected = { };
  };

  # extendModules
  testExtendModules = {
    expr =
      let
        base = eval [
          optL
          { l = [ "base" ]; }
        ];
        ext = base.extendModules { modules = [ { l = [ "ext" ]; } ]; };
      in
      [
        base.config.l
        ext.config.l
      ];
    expected = [
      [ "base" ]
      [ "ext" "base" ]
    ];
  };
  testExtendModulesTwice = {
    expr =
      let
        base = eval [ optL ];
        e1 = base.extendModules { modules = [ { l = [ "1" ]; } ]; };
        e2 = e1.extendModules { modules = [ { l = [ "2" ]; } ]; };
      in
      e2.config.l;
    expected = [ "2" "1" ];
  };
  testExtendModulesSpecialArgs = {
    expr =
      let
        base = lib.evalModules {
          specialArgs.a = "A";
          modules = [
            optS
            ({ a, b, ... }: { s = a + b; })
          ];
        };
      in
      (base.extendModules { specialArgs.b = "B"; }).config.s;
    expected = "AB";
  };
  testExtendModulesFromArgument = {
    expr =
      let
        r = eval [
          optN
          { n = 1; }
        ];
        ext = r._module.args.extendModules { modules = [ { n = lib.mkForce 2; } ]; };
      in
      ext.config.n;
    expected = 2;
  };
  testExtendModulesPrefix = {
    expr = ((eval [ optN ]).extendModules { prefix = [ "p" ]; }).options.n.loc;
    expected = [ "p" "n" ];
  };

  # meta / freeformType at the top of a module
  testFreeformTypeAttribute = {
    expr =
      (cfgOf [
        { freeformType = types.attrsOf types.int; }
        { anything = 3; }
      ]).anything;
    expected = 3;
  };
  testMetaAttributeNeedsOption = {
    expr = throwsWhnf (cfgOf [
      {
        meta.x = 1;
        config = { };
      }
    ]);
    expected = true;
  };
  testMetaAttributeWithOption = {
    expr =
      (cfgOf [
        (opt "meta" types.attrs { })
        {
          meta.x = 1;
          config = { };
        }
      ]).meta;
    expected = {
      x = 1;
    };
  };
  testOptionAttrSetToDocList = {
    expr = map (o: [ o.name o.type ]) (
      builtins.filter (o: !o.internal) (
        lib.optionAttrSetToDocList (eval [
          (opt "a.b" types.int { default = 1; })
          (opt "s" (types.attrsOf (types.submodule { options.x = mkOption { type = types.str; }; })) { })
        ]).options
      )
    );
    expected = [
      [ "a.b" "signed integer" ]
      [ "s" "attribute set of submodule" ]
      [ "s.<name>.x" "string" ]
    ];
  };
  testCollectModulesOrder = {
    expr =
      map (m: m.key) (
        lib.modules.collectModules null "" [
          { imports = [ { } { } ]; }
          { imports = [ { } ]; }
        ] { inherit lib; config = { }; options = { }; }
      );
    expected = [ ":anon-1" ":anon-2" ":anon-1:anon-1" ":anon-1:anon-2" ":anon-2:anon-1" ];
  };
}
