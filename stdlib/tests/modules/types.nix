# Option types: checks, merges, descriptions, submodules, and how two
# declarations of one option combine their types.
let
  h = import ./_helpers.nix;
  inherit (h)
    lib
    throws
    throwsWhnf
    cfgOf
    eval
    mkDrv
    ;
  inherit (lib)
    types
    mkOption
    mkIf
    mkForce
    mkDefault
    mkAfter
    ;

  # The value of option `v` of type `type` given `defs` (definition values,
  # first module first).
  valueOf =
    type: defs:
    (cfgOf ([ { options.v = mkOption { inherit type; }; } ] ++ map (d: { v = d; }) defs)).v;
  # Whether that throws.
  rejects = type: defs: throws (valueOf type defs);
  accepts = type: value: !(rejects type [ value ]);

  hello = mkDrv { name = "hello"; };
  world = mkDrv { name = "world"; };
in
h.runTests {
  # bool
  testBool = {
    expr = valueOf types.bool [ true ];
    expected = true;
  };
  testBoolEqualDefs = {
    expr = valueOf types.bool [ false false ];
    expected = false;
  };
  testBoolConflict = {
    expr = rejects types.bool [ true false ];
    expected = true;
  };
  testBoolCheck = {
    expr = map (accepts types.bool) [ true 1 "true" null ];
    expected = [ true false false false ];
  };
  testBoolByOr = {
    expr = [
      (valueOf types.boolByOr [ true false ])
      (valueOf types.boolByOr [ false false ])
    ];
    expected = [ true false ];
  };

  # int and friends
  testInt = {
    expr = valueOf types.int [ 3 3 ];
    expected = 3;
  };
  testIntCheck = {
    expr = map (accepts types.int) [ 1 (-4) 1.5 "1" true ];
    expected = [ true true false false false ];
  };
  testIntsBetween = {
    expr = map (accepts (types.ints.between 1 3)) [ 0 1 3 4 ];
    expected = [ false true true false ];
  };
  testIntsUnsignedPositive = {
    expr = [
      (accepts types.ints.unsigned 0)
      (accepts types.ints.unsigned (-1))
      (accepts types.ints.positive 0)
      (accepts types.ints.positive 1)
    ];
    expected = [ true false false true ];
  };
  testIntsFixedWidth = {
    expr = [
      (accepts types.ints.u8 255)
      (accepts types.ints.u8 256)
      (accepts types.ints.s8 (-128))
      (accepts types.ints.s8 128)
      (accepts types.port 65535)
      (accepts types.port 65536)
    ];
    expected = [ true false true false true false ];
  };
  testFloatNumber = {
    expr = [
      (accepts types.float 1.5)
      (accepts types.float 1)
      (accepts types.number 1)
      (accepts types.number 1.5)
      (accepts (types.numbers.between 0 1) 0.5)
      (accepts (types.numbers.between 0 1) 2)
    ];
    expected = [ true false true true true false ];
  };

  # strings
  testStr = {
    expr = valueOf types.str [ "a" ];
    expected = "a";
  };
  testStrConflict = {
    expr = rejects types.str [ "a" "b" ];
    expected = true;
  };
  testStrCheck = {
    expr = map (accepts types.str) [ "" "x" 1 ./. ];
    expected = [ true true false false ];
  };
  testLines = {
    expr = valueOf types.lines [ "first" "second" ];
    expected = "second\nfirst";
  };
  testLinesOrder = {
    expr = valueOf types.lines [ "first" (mkAfter "last") "second" ];
    expected = "second\nfirst\nlast";
  };
  testCommasEnvVar = {
    expr = [
      (valueOf types.commas [ "a" "b" ])
      (valueOf types.envVar [ "/a" "/b" ])
      (valueOf (types.separatedString "+") [ "x" "y" ])
    ];
    expected = [ "b,a" "/b:/a" "y+x" ];
  };
  testStrMatching = {
    expr = map (accepts (types.strMatching "[a-z]+")) [ "abc" "ab1" "" ];
    expected = [ true false false ];
  };
  testNonEmptyStr = {
    expr = map (accepts types.nonEmptyStr) [ "x" "" "  " ];
    expected = [ true false false ];
  };
  testSingleLineStr = {
    expr = map (accepts types.singleLineStr) [ "one line" "one line\n" "two\nlines" ];
    expected = [ true true false ];
  };

  # attrs
  testAttrsShallow = {
    expr = valueOf types.attrs [
      {
        a.x = 1;
        b = 1;
      }
      {
        a.y = 2;
        c = 3;
      }
    ];
    expected = {
      a.x = 1;
      b = 1;
      c = 3;
    };
  };

  # listOf
  testListOfConcat = {
    expr = valueOf (types.listOf types.int) [ [ 1 2 ] [ 3 ] ];
    expected = [ 3 1 2 ];
  };
  testListOfElementCheck = {
    expr = rejects (types.listOf types.int) [ [ 1 "2" ] ];
    expected = true;
  };
  testListOfNotList = {
    expr = rejects (types.listOf types.int) [ 1 ];
    expected = true;
  };
  testListOfElementProperties = {
    expr = valueOf (types.listOf types.int) [
      [
        1
        (mkIf false 2)
        (mkIf true 3)
      ]
    ];
    expected = [ 1 3 ];
  };
  testListOfDefault = {
    expr = (cfgOf [ { options.l = mkOption { type = types.listOf types.int; default = [ 0 ]; }; } ]).l;
    expected = [ 0 ];
  };
  testNonEmptyListOf = {
    expr = [
      (accepts (types.nonEmptyListOf types.int) [ 1 ])
      (accepts (types.nonEmptyListOf types.int) [ ])
    ];
    expected = [ true false ];
  };
  testListOfSubmodule = {
    expr = map (x: x.n) (
      valueOf (types.listOf (types.submodule { options.n = mkOption { type = types.int; default = 1; }; })) [
        [
          { }
          { n = 2; }
        ]
      ]
    );
    expected = [ 1 2 ];
  };

  # attrsOf / lazyAttrsOf
  testAttrsOfMergesPerKey = {
    expr = valueOf (types.attrsOf (types.listOf types.int)) [
      {
        a = [ 1 ];
        b = [ 2 ];
      }
      { a = [ 3 ]; }
    ];
    expected = {
      a = [ 3 1 ];
      b = [ 2 ];
    };
  };
  testAttrsOfPriorities = {
    expr = valueOf (types.attrsOf types.int) [
      { a = mkDefault 1; }
      { a = 2; }
      { b = mkForce 3; }
      { b = 4; }
    ];
    expected = {
      a = 2;
      b = 3;
    };
  };
  testAttrsOfDropsUndefinedKeys = {
    expr = valueOf (types.attrsOf types.int) [
      {
        a = 1;
        b = mkIf false 2;
      }
    ];
    expected = {
      a = 1;
    };
  };
  testAttrsOfElementCheck = {
    expr = rejects (types.attrsOf types.int) [ { a = "x"; } ];
    expected = true;
  };
  testLazyAttrsOfKeepsKeys = {
    expr = builtins.attrNames (
      valueOf (types.lazyAttrsOf types.int) [
        {
          a = 1;
          b = mkIf false 2;
        }
      ]
    );
    expected = [ "a" "b" ];
  };
  testLazyAttrsOfIsLazy = {
    expr =
      (valueOf (types.lazyAttrsOf types.int) [
        {
          a = 1;
          b = throw "not needed";
        }
      ]).a;
    expected = 1;
  };
  testLazyAttrsOfEmptyValue = {
    expr =
      (valueOf (types.lazyAttrsOf (types.listOf types.int)) [
        { b = mkIf false [ 2 ]; }
      ]).b;
    expected = [ ];
  };

  # nullOr
  testNullOrNull = {
    expr = valueOf (types.nullOr types.int) [ null null ];
    expected = null;
  };
  testNullOrValue = {
    expr = valueOf (types.nullOr (types.listOf types.int)) [ [ 1 ] [ 2 ] ];
    expected = [ 2 1 ];
  };
  testNullOrMixed = {
    expr = rejects (types.nullOr types.int) [ null 1 ];
    expected = true;
  };
  testNullOrCheck = {
    expr = map (accepts (types.nullOr types.int)) [ null 1 "x" ];
    expected = [ true true false ];
  };

  # enum
  testEnum = {
    expr = map (accepts (types.enum [ "a" 1 true ])) [ "a" 1 true "b" 2 ];
    expected = [ true true true false false ];
  };
  testEnumEqual = {
    expr = valueOf (types.enum [ "a" "b" ]) [ "b" "b" ];
    expected = "b";
  };
  testEnumConflict = {
    expr = rejects (types.enum [ "a" "b" ]) [ "a" "b" ];
    expected = true;
  };

  # either / oneOf
  testEither = {
    expr = map (accepts (types.either types.int types.str)) [ 1 "x" true ];
    expected = [ true true false ];
  };
  testEitherMergesWithCommonType = {
    expr = [
      (valueOf (types.either types.int types.lines) [ "a" "b" ])
      (valueOf (types.either types.int types.lines) [ 1 1 ])
    ];
    expected = [ "b\na" 1 ];
  };
  testEitherMixedNeedsOneDef = {
    expr = rejects (types.either types.int types.str) [ 1 "x" ];
    expected = true;
  };
  testOneOf = {
    expr = map (accepts (types.oneOf [ types.int types.bool types.str ])) [ 1 true "s" null ];
    expected = [ true true true false ];
  };
  testOneOfEmptyThrows = {
    expr = throws (types.oneOf [ ]).name;
    expected = true;
  };

  # coercedTo
  testCoercedTo = {
    expr = valueOf (types.coercedTo types.int toString types.str) [ 5 ];
    expected = "5";
  };
  testCoercedToKeepsFinal = {
    expr = valueOf (types.coercedTo types.int toString types.str) [ "x" ];
    expected = "x";
  };
  testCoercedToRejects = {
    expr = rejects (types.coercedTo types.int toString types.str) [ true ];
    expected = true;
  };

  # package
  testPackage = {
    expr = (valueOf types.package [ hello ]).name;
    expected = "hello";
  };
  testPackageCheck = {
    expr = map (accepts types.package) [
      hello
      "/nix/store/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11"
      "hello"
      { name = "x"; }
    ];
    expected = [ true true false false ];
  };
  testPackageTwice = {
    expr = rejects types.package [ hello world ];
    expected = true;
  };
  testListOfPackage = {
    expr = map (p: p.name) (valueOf (types.listOf types.package) [ [ hello ] [ world ] ]);
    expected = [ "world" "hello" ];
  };

  # path
  testPath = {
    expr = map (accepts types.path) [ ./. "/abs" "rel" 1 hello ];
    expected = [ true true false false true ];
  };
  testPathEqual = {
    expr = valueOf types.path [ "/a" "/a" ];
    expected = "/a";
  };

  # anything
  testAnythingAttrsMerge = {
    expr = valueOf types.anything [
      {
        a = 1;
        n.x = 1;
      }
      {
        b = 2;
        n.y = 2;
      }
    ];
    expected = {
      a = 1;
      b = 2;
      n = {
        x = 1;
        y = 2;
      };
    };
  };
  testAnythingProperties = {
    expr = valueOf types.anything [
      {
        a = mkIf false 1;
        b = mkForce 2;
      }
      { b = 3; }
    ];
    expected = {
      b = 2;
    };
  };
  testAnythingEqual = {
    expr = valueOf types.anything [ 1 1 ];
    expected = 1;
  };
  testAnythingConflict = {
    expr = rejects types.anything [ 1 2 ];
    expected = true;
  };
  testAnythingTypeConflict = {
    expr = rejects types.anything [ 1 "1" ];
    expected = true;
  };
  testAnythingList = {
    expr = valueOf types.anything [ [ 1 { a = 2; } ] ];
    expected = [ 1 { a = 2; } ];
  };
  testAnythingFunction = {
    expr = (valueOf types.anything [ (x: { a = x; }) (x: { b = x + 1; }) ]) 1;
    expected = {
      a = 1;
      b = 2;
    };
  };
  testAnythingDerivationKept = {
    expr = (valueOf types.anything [ hello ]).name;
    expected = "hello";
  };

  # unspecified
  testUnspecifiedMerges = {
    expr = [
      (valueOf types.unspecified [ [ 1 ] [ 2 ] ])
      (valueOf types.unspecified [ { a = 1; } { a = 2; b = 3; } ])
      (valueOf types.unspecified [ "a" "b" ])
      (valueOf types.unspecified [ false true ])
      (valueOf types.unspecified [ 7 ])
    ];
    expected = [
      [ 2 1 ]
      {
        a = 1;
        b = 3;
      }
      "ba"
      true
      7
    ];
  };
  testUnspecifiedConflict = {
    expr = rejects types.unspecified [ 1 2 ];
    expected = true;
  };
  testNoTypeIsUnspecified = {
    expr =
      let
        r = eval [
          { options.u = mkOption { }; }
          { u = [ 1 ]; }
          { u = [ 2 ]; }
        ];
      in
      [
        r.config.u
        r.options.u.type.name
      ];
    expected = [
      [ 2 1 ]
      "unspecified"
    ];
  };

  # raw / uniq
  testRawOneDef = {
    expr = (valueOf types.raw [ { _type = "custom"; } ])._type;
    expected = "custom";
  };
  testRawTwoDefs = {
    expr = rejects types.raw [ 1 1 ];
    expected = true;
  };
  testUniq = {
    expr = [
      (valueOf (types.uniq types.int) [ 1 ])
      (rejects (types.uniq types.int) [ 1 1 ])
      (rejects (types.uniq types.int) [ "x" ])
    ];
    expected = [ 1 true true ];
  };

  # functionTo
  testFunctionTo = {
    expr = (valueOf (types.functionTo (types.listOf types.int)) [ (x: [ x ]) (x: [ (x + 1) ]) ]) 10;
    expected = [ 11 10 ];
  };
  testFunctionToCheck = {
    expr = map (accepts (types.functionTo types.int)) [ (x: x) 1 ];
    expected = [ true false ];
  };
  testFunctionToResultChecked = {
    expr = throws ((valueOf (types.functionTo types.int) [ (x: "no") ]) 1);
    expected = true;
  };

  # submodule
  testSubmodule = {
    expr = valueOf (types.submodule {
      options.a = mkOption {
        type = types.int;
        default = 1;
      };
      options.b = mkOption { type = types.listOf types.str; default = [ ]; };
    }) [ { b = [ "x" ]; } { b = [ "y" ]; } ];
    # The outer evaluation hands the definitions over last module first, and
    # the nested evaluation reverses its module list again.
    expected = {
      a = 1;
      b = [ "x" "y" ];
    };
  };
  testSubmoduleFunctionDefinition = {
    expr =
      (valueOf (types.submodule { options.a = mkOption { type = types.int; }; }) [
        ({ config, ... }: { a = 5; })
      ]).a;
    expected = 5;
  };
  testSubmoduleModuleList = {
    expr =
      (valueOf (types.submodule [
        { options.a = mkOption { type = types.int; }; }
        { options.b = mkOption { type = types.int; default = 2; }; }
      ]) [ { a = 1; } ]);
    expected = {
      a = 1;
      b = 2;
    };
  };
  testSubmoduleShorthandIsConfigOnly = {
    expr = rejects (types.submodule { options.a = mkOption { type = types.int; }; }) [
      { options.c = mkOption { }; }
    ];
    expected = true;
  };
  testSubmoduleWithFullModules = {
    expr =
      (valueOf
        (types.submoduleWith {
          modules = [ { options.a = mkOption { type = types.int; }; } ];
        })
        [
          {
            options.c = mkOption { default = 3; };
            config.a = 1;
          }
        ]
      ).c;
    expected = 3;
  };
  testSubmoduleUndeclared = {
    expr = rejects (types.submodule { options.a = mkOption { type = types.int; }; }) [ { z = 1; } ];
    expected = true;
  };
  testSubmoduleName = {
    expr =
      (cfgOf [
        {
          options.users = mkOption {
            type = types.attrsOf (types.submodule ({ name, ... }: {
              options.home = mkOption {
                type = types.str;
                default = "/home/${name}";
              };
            }));
          };
        }
        {
          users.alice = { };
          users.bob.home = "/srv/bob";
        }
      ]).users;
    expected = {
      alice.home = "/home/alice";
      bob.home = "/srv/bob";
    };
  };
  testSubmoduleNameOfPlainOption = {
    expr =
      (cfgOf [
        {
          options.srv = mkOption {
            type = types.submodule ({ name, ... }: { options.n = mkOption { default = name; }; });
          };
        }
        { srv = { }; }
      ]).srv.n;
    expected = "srv";
  };
  testSubmoduleSpecialArgs = {
    expr =
      (valueOf
        (types.submoduleWith {
          specialArgs.sa = "special";
          modules = [ ({ sa, ... }: { options.a = mkOption { default = sa; }; }) ];
        })
        [ { } ]
      ).a;
    expected = "special";
  };
  testSubmoduleConfigRefersToItself = {
    expr =
      (valueOf (types.submodule ({ config, ... }: {
        options.a = mkOption { type = types.int; };
        options.b = mkOption {
          type = types.int;
          default = config.a * 2;
        };
      })) [ { a = 21; } ]).b;
    expected = 42;
  };
  testSubmoduleMkIfInside = {
    expr =
      (valueOf
        (types.submodule {
          options.a = mkOption { type = types.int; default = 1; };
        })
        [ { a = mkIf false 5; } ]
      ).a;
    expected = 1;
  };
  testSubmoduleOptionLocs = {
    expr =
      let
        r = eval [
          { options.s = mkOption { type = types.submodule { options.x = mkOption { type = types.int; }; }; }; }
        ];
      in
      (r.options.s.type.getSubOptions [ "s" ]).x.loc;
    expected = [ "s" "x" ];
  };
  testSubmoduleCheck = {
    expr = map (accepts (types.submodule { })) [ { } (x: { }) ./fixtures/empty-module.nix 1 ];
    expected = [ true true true false ];
  };

  # deferredModule
  testDeferredModule = {
    expr =
      let
        r = cfgOf [
          { options.m = mkOption { type = types.deferredModule; }; }
          { m = { options.x = mkOption { default = 1; }; }; }
          { m.config.x = mkForce 2; }
        ];
      in
      (lib.evalModules { modules = [ r.m ]; }).config.x;
    expected = 2;
  };

  # freeform
  testFreeform = {
    expr = cfgOf [
      { _module.freeformType = types.attrsOf types.int; }
      { options.declared = mkOption { default = 1; }; }
      { free = 2; }
      { free2 = mkIf true 3; }
    ];
    expected = {
      declared = 1;
      free = 2;
      free2 = 3;
    };
  };
  testFreeformChecked = {
    expr = throwsWhnf (
      cfgOf [
        { _module.freeformType = types.attrsOf types.int; }
        { free = "no"; }
      ]
    ).free;
    expected = true;
  };
  testFreeformNested = {
    expr =
      (cfgOf [
        { _module.freeformType = types.attrsOf (types.attrsOf types.int); }
        { options.x.declared = mkOption { default = 1; }; }
        { x.free = 2; }
      ]).x;
    expected = {
      declared = 1;
      free = 2;
    };
  };
  testFreeformSubmodule = {
    expr =
      (valueOf (types.submodule {
        freeformType = types.attrsOf types.str;
        options.name = mkOption { type = types.str; default = "n"; };
      }) [ { other = "o"; } ]);
    expected = {
      name = "n";
      other = "o";
    };
  };

  # Declaring one option twice
  testSameTypeTwice = {
    expr =
      (cfgOf [
        { options.a = mkOption { type = types.int; default = 1; }; }
        { options.a = mkOption { type = types.int; description = "A."; }; }
      ]).a;
    expected = 1;
  };
  testBothDefaultsThrows = {
    expr = throws (cfgOf [
      { options.a = mkOption { type = types.int; default = 1; }; }
      { options.a = mkOption { type = types.int; default = 2; }; }
    ]).a;
    expected = true;
  };
  testIncompatibleTypesThrows = {
    expr = throws (cfgOf [
      { options.a = mkOption { type = types.int; }; }
      { options.a = mkOption { type = types.str; }; }
      { a = 1; }
    ]).a;
    expected = true;
  };
  testEnumDeclarationsMerge = {
    expr =
      (cfgOf [
        { options.e = mkOption { type = types.enum [ "a" ]; }; }
        { options.e = mkOption { type = types.enum [ "b" ]; }; }
        { e = "b"; }
      ]).e;
    expected = "b";
  };
  testSubmoduleDeclarationsMerge = {
    expr =
      (cfgOf [
        { options.s = mkOption { type = types.submodule { options.x = mkOption { default = 1; }; }; }; }
        { options.s = mkOption { type = types.submodule { options.y = mkOption { default = 2; }; }; }; }
        { s.x = 10; }
      ]).s;
    expected = {
      x = 10;
      y = 2;
    };
  };
  testAttrsOfSubmoduleDeclarationsMerge = {
    expr =
      (cfgOf [
        { options.s = mkOption { type = types.attrsOf (types.submodule { options.x = mkOption { default = 1; }; }); }; }
        { options.s = mkOption { type = types.attrsOf (types.submodule { options.y = mkOption { default = 2; }; }); }; }
        { s.k = { }; }
      ]).s.k;
    expected = {
      x = 1;
      y = 2;
    };
  };
  testOptionsBelowSubmoduleOption = {
    expr =
      (cfgOf [
        { options.s = mkOption { type = types.submodule { options.x = mkOption { default = 1; }; }; }; }
        { options.s.y = mkOption { default = 2; }; }
        { s = { }; }
      ]).s;
    expected = {
      x = 1;
      y = 2;
    };
  };
  testOptionPrefixOfOptionsThrows = {
    expr = throwsWhnf (cfgOf [
      { options.a = mkOption { type = types.int; }; }
      { options.a.b = mkOption { }; }
    ]).a;
    expected = true;
  };

  # Descriptions (used in error messages)
  testDescriptions = {
    expr = map (t: t.description) [
      types.bool
      types.int
      types.str
      types.lines
      types.path
      types.package
      types.attrs
      types.anything
      types.unspecified
      types.raw
      (types.listOf types.str)
      (types.attrsOf types.int)
      (types.lazyAttrsOf types.int)
      (types.nullOr types.str)
      (types.enum [ "a" "b" ])
      (types.either types.int types.str)
      (types.listOf (types.either types.int types.str))
      (types.functionTo types.bool)
      (types.submodule { })
      types.ints.u8
    ];
    expected = [
      "boolean"
      "signed integer"
      "string"
      "strings concatenated with \"\\n\""
      "path"
      "package"
      "attribute set"
      "anything"
      "unspecified value"
      "raw value"
      "list of string"
      "attribute set of signed integer"
      "lazy attribute set of signed integer"
      "null or string"
      "one of \"a\", \"b\""
      "signed integer or string"
      "list of (signed integer or string)"
      "function that evaluates to a(n) boolean"
      "submodule"
      "8 bit unsigned integer"
    ];
  };
  testIsOptionType = {
    expr = [
      (lib.isOptionType types.int)
      (lib.isOptionType 1)
      (lib.isType "option-type" types.str)
    ];
    expected = [ true false true ];
  };
  testMkOptionTypeCustom = {
    expr =
      valueOf (lib.mkOptionType {
        name = "even";
        check = x: builtins.isInt x && lib.mod x 2 == 0;
        merge = loc: defs: lib.foldl' (a: d: a + d.value) 0 defs;
      }) [ 2 4 ];
    expected = 6;
  };
  testAddCheck = {
    expr = map (accepts (types.addCheck types.int (x: x > 10))) [ 11 5 ];
    expected = [ true false ];
  };
}
