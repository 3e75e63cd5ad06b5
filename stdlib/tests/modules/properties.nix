# Definitions and their properties: priorities (mkOverride and friends,
# highestPrio), mkIf, mkMerge, mkOrder, pushing properties down through
# attribute sets, and the option attributes evalModules exposes.
let
  h = import ./_helpers.nix;
  inherit (h)
    lib
    throws
    cfgOf
    opt
    eval
    ;
  inherit (lib)
    types
    mkOption
    mkForce
    mkDefault
    mkOptionDefault
    mkOverride
    mkVMOverride
    mkImageMediaOverride
    mkBefore
    mkAfter
    mkOrder
    mkIf
    mkMerge
    ;

  optA = opt "a" types.int { default = 4; };
  optANoDefault = opt "a" types.int { };
  optL = opt "l" (types.listOf types.str) { default = [ ]; };
  optB = opt "x.b" types.int { };
  optC = opt "x.c" types.int { };
in
h.runTests {
  # Priorities
  testPriorityValues = {
    expr = map (p: (p null).priority) [
      mkVMOverride
      mkForce
      mkImageMediaOverride
      mkDefault
      mkOptionDefault
    ];
    expected = [ 10 50 60 1000 1500 ];
  };
  testDefaultOverridePriority = {
    expr = [ lib.defaultOverridePriority lib.defaultOrderPriority lib.modules.defaultPriority ];
    expected = [ 100 1000 100 ];
  };
  testDefaultOnly = {
    expr = (cfgOf [ optA ]).a;
    expected = 4;
  };
  testPlainBeatsDefault = {
    expr = (cfgOf [ optA { a = 7; } ]).a;
    expected = 7;
  };
  testVMOverrideBeatsForce = {
    expr = (cfgOf [ optA { a = mkForce 1; } { a = mkVMOverride 2; } ]).a;
    expected = 2;
  };
  testMkOverrideCustom = {
    expr = (cfgOf [ optA { a = mkOverride 99 1; } { a = 2; } ]).a;
    expected = 1;
  };
  testLowerPriorityNotEvaluated = {
    expr = (cfgOf [ optA { a = mkDefault (throw "never"); } { a = 3; } ]).a;
    expected = 3;
  };
  testDefaultNotEvaluatedWhenDefined = {
    expr = (cfgOf [ (opt "a" types.int { default = throw "never"; }) { a = 3; } ]).a;
    expected = 3;
  };
  testEqualDefinitionsMerge = {
    expr = (cfgOf [ optA { a = 5; } { a = 5; } ]).a;
    expected = 5;
  };
  testConflictThrows = {
    expr = throws (cfgOf [ optA { a = 5; } { a = 6; } ]).a;
    expected = true;
  };
  testForcedConflictThrows = {
    expr = throws (cfgOf [ optA { a = mkForce 5; } { a = mkForce 6; } ]).a;
    expected = true;
  };
  testHighestPrioDefault = {
    expr = (eval [ optA ]).options.a.highestPrio;
    expected = 1500;
  };
  testHighestPrioPlain = {
    expr = (eval [ optA { a = 1; } ]).options.a.highestPrio;
    expected = 100;
  };
  testHighestPrioForce = {
    expr = (eval [ optA { a = 1; } { a = mkForce 2; } ]).options.a.highestPrio;
    expected = 50;
  };
  testHighestPrioMkDefault = {
    expr = (eval [ optA { a = mkDefault 1; } ]).options.a.highestPrio;
    expected = 1000;
  };
  testHighestPrioUndefined = {
    expr = (eval [ optANoDefault ]).options.a.highestPrio;
    expected = 9999;
  };
  testIsDefined = {
    expr = [
      (eval [ optANoDefault ]).options.a.isDefined
      (eval [ optA ]).options.a.isDefined
      (eval [ optANoDefault { a = mkIf false 1; } ]).options.a.isDefined
      (eval [ optANoDefault { a = 1; } ]).options.a.isDefined
    ];
    expected = [ false true false true ];
  };
  testDefinitionsAndFiles = {
    expr =
      let
        o = (eval [ optA { _file = "one.nix"; a = mkForce 1; } { _file = "two.nix"; a = 2; } ]).options.a;
      in
      {
        inherit (o) definitions files;
        loc = o.loc;
        declarations = o.declarations;
        str = "${o}";
      };
    expected = {
      definitions = [ 1 ];
      files = [ "one.nix" ];
      loc = [ "a" ];
      declarations = [ "<unknown-file>" ];
      str = "a";
    };
  };
  testDefinitionsWithLocations = {
    expr = (eval [ optL { _file = "f.nix"; l = [ "x" ]; } ]).options.l.definitionsWithLocations;
    expected = [
      {
        file = "f.nix";
        value = [ "x" ];
      }
    ];
  };
  testUsedButNotDefinedThrows = {
    expr = throws (cfgOf [ optANoDefault ]).a;
    expected = true;
  };
  testReadOnlyOnce = {
    expr = (cfgOf [ (opt "r" types.int { readOnly = true; }) { r = 3; } ]).r;
    expected = 3;
  };
  testReadOnlyTwiceThrows = {
    expr = throws (cfgOf [ (opt "r" types.int { readOnly = true; }) { r = 3; } { r = 3; } ]).r;
    expected = true;
  };
  testApply = {
    expr = (cfgOf [ (opt "a" types.int { default = 1; apply = x: x * 10; }) { a = 2; } ]).a;
    expected = 20;
  };

  # mkIf
  testMkIfTrue = {
    expr = (cfgOf [ optA { a = mkIf true 1; } ]).a;
    expected = 1;
  };
  testMkIfNonBoolThrows = {
    expr = throws (cfgOf [ optA { a = mkIf 1 2; } ]).a;
    expected = true;
  };
  testMkIfNullThrows = {
    expr = throws (cfgOf [ optA { a = mkIf null 2; } ]).a;
    expected = true;
  };
  testMkIfNested = {
    expr = (cfgOf [ optA { a = mkIf true (mkIf false 1); } ]).a;
    expected = 4;
  };
  testMkIfOnAttrsPushedDown = {
    expr =
      let
        c = cfgOf [
          optB
          optC
          {
            x = mkIf true {
              b = 1;
              c = 2;
            };
          }
        ];
      in
      [ c.x.b c.x.c ];
    expected = [ 1 2 ];
  };
  testMkIfConfigLevel = {
    expr =
      (cfgOf [
        optB
        optC
        {
          config = mkIf false { x.b = 1; };
        }
        { x.b = 2; }
      ]).x.b;
    expected = 2;
  };
  testMkIfFalseWithUndeclaredStillChecked = {
    expr = h.throwsWhnf (cfgOf [ optA { config = mkIf false { zzz = 1; }; } ]);
    expected = true;
  };
  testMkAssertPasses = {
    expr = (cfgOf [ optA { a = lib.mkAssert true "fine" 3; } ]).a;
    expected = 3;
  };
  testMkAssertFails = {
    expr = throws (cfgOf [ optA { a = lib.mkAssert false "bad" 3; } ]).a;
    expected = true;
  };

  # mkMerge
  testMkMergeList = {
    expr = (cfgOf [ optL { l = mkMerge [ [ "a" ] (mkIf false [ "b" ]) [ "c" ] ]; } ]).l;
    expected = [ "a" "c" ];
  };
  testMkMergeAttrs = {
    expr =
      let
        c = cfgOf [
          optB
          optC
          {
            x = mkMerge [
              { b = 1; }
              { c = 2; }
            ];
          }
        ];
      in
      [ c.x.b c.x.c ];
    expected = [ 1 2 ];
  };
  testMkMergeConfigLevel = {
    expr =
      (cfgOf [
        optB
        optC
        {
          config = mkMerge [
            { x.b = 1; }
            (mkIf true { x.c = 5; })
          ];
        }
      ]).x.c;
    expected = 5;
  };
  testMkMergePriorities = {
    expr = (cfgOf [ optA { a = mkMerge [ 1 (mkForce 9) ]; } ]).a;
    expected = 9;
  };

  # Properties above an override, and override pushed down
  testForceOfMkIf = {
    expr = (cfgOf [ optA { a = mkForce (mkIf true 8); } { a = 1; } ]).a;
    expected = 8;
  };
  testForceOnAttrsPushedDown = {
    expr =
      (cfgOf [
        optB
        optC
        { x.b = 1; }
        {
          x = mkForce {
            b = 2;
            c = 3;
          };
        }
      ]).x.b;
    expected = 2;
  };
  testDefaultOnAttrsLoses = {
    expr =
      (cfgOf [
        optB
        optC
        {
          x = mkDefault {
            b = 2;
            c = 3;
          };
        }
        { x.b = 1; }
      ]).x;
    expected = {
      b = 1;
      c = 3;
    };
  };

  # mkOrder
  testMkOrderCustom = {
    expr = (cfgOf [ optL { l = [ "mid" ]; } { l = mkOrder 1200 [ "late" ]; } { l = mkOrder 600 [ "early" ]; } ]).l;
    expected = [ "early" "mid" "late" ];
  };
  testMkOrderStable = {
    expr =
      (cfgOf [
        optL
        { l = mkBefore [ "b1" ]; }
        { l = mkBefore [ "b2" ]; }
        { l = [ "p1" ]; }
        { l = [ "p2" ]; }
        { l = mkAfter [ "a1" ]; }
        { l = mkAfter [ "a2" ]; }
      ]).l;
    expected = [ "b2" "b1" "p2" "p1" "a2" "a1" ];
  };
  testMkBeforeOfMkMerge = {
    expr = (cfgOf [ optL { l = [ "x" ]; } { l = mkBefore (mkMerge [ [ "y" ] (mkIf false [ "n" ]) ]); } ]).l;
    expected = [ "y" "x" ];
  };
  testMkAfterOnAttrsPushedDown = {
    expr =
      (cfgOf [
        (opt "s.l" (types.listOf types.str) { })
        { s.l = [ "x" ]; }
        { s = mkAfter { l = [ "z" ]; }; }
        { s = mkBefore { l = [ "a" ]; }; }
      ]).s.l;
    expected = [ "a" "x" "z" ];
  };
  testMkOrderWithOverride = {
    expr = (cfgOf [ optL { l = [ "x" ]; } { l = mkForce (mkAfter [ "forced" ]); } ]).l;
    expected = [ "forced" ];
  };

  # The building blocks, directly
  testPushDownProperties = {
    expr = lib.pushDownProperties (mkMerge [
      { a = 1; }
      (mkIf true { b = 2; })
    ]);
    expected = [
      { a = 1; }
      { b = mkIf true 2; }
    ];
  };
  testDischargeProperties = {
    expr = lib.dischargeProperties (mkMerge [
      1
      (mkIf true 2)
      (mkIf true (mkIf false 3))
    ]);
    expected = [ 1 2 ];
  };
  testFilterOverrides = {
    expr = lib.filterOverrides [
      {
        file = "a";
        value = mkDefault 1;
      }
      {
        file = "b";
        value = 2;
      }
      {
        file = "c";
        value = mkOverride 100 3;
      }
    ];
    expected = [
      {
        file = "b";
        value = 2;
      }
      {
        file = "c";
        value = 3;
      }
    ];
  };
  testSortProperties = {
    expr = map (d: d.value) (
      lib.sortProperties [
        { value = mkAfter "z"; }
        { value = "m"; }
        { value = mkBefore "a"; }
        { value = "n"; }
      ]
    );
    expected = [ "a" "m" "n" "z" ];
  };
  testMergeDefinitionsDirect = {
    expr =
      (lib.mergeDefinitions [ "x" ] types.int [
        {
          file = "f";
          value = mkForce 3;
        }
        {
          file = "g";
          value = 1;
        }
      ]).mergedValue;
    expected = 3;
  };
  testMkDerivedConfig = {
    expr =
      (cfgOf [
        (opt "src" types.int { })
        (opt "dst" types.int { })
        ({ options, ... }: { dst = lib.mkDerivedConfig options.src (x: x + 1); })
        { src = mkDefault 1; }
      ]).dst;
    expected = 2;
  };
}
