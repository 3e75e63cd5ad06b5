# `config` depending on `config`: the usual NixOS patterns must evaluate
# without infinite recursion, and values nobody reads are never evaluated.
let
  h = import ./_helpers.nix;
  inherit (h)
    lib
    throws
    cfgOf
    eval
    opt
    ;
  inherit (lib)
    types
    mkOption
    mkEnableOption
    mkIf
    mkMerge
    mkDefault
    ;

  # A service module in the common shape.
  fooModule =
    { config, lib, ... }:
    let
      cfg = config.services.foo;
    in
    {
      options.services.foo = {
        enable = mkEnableOption "foo";
        port = mkOption {
          type = types.int;
          default = 80;
        };
        url = mkOption {
          type = types.str;
          default = "http://localhost:${toString cfg.port}";
        };
      };
      config = mkIf cfg.enable {
        environment.packages = [ "foo" ];
        networking.ports = [ cfg.port ];
      };
    };
  envModule = {
    options.environment.packages = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };
    options.networking.ports = mkOption {
      type = types.listOf types.int;
      default = [ ];
    };
  };
in
h.runTests {
  testServiceDisabled = {
    expr = (cfgOf [ envModule fooModule ]).environment.packages;
    expected = [ ];
  };
  testServiceEnabled = {
    expr =
      let
        c = cfgOf [
          envModule
          fooModule
          {
            services.foo.enable = true;
            services.foo.port = 8080;
          }
        ];
      in
      [
        c.environment.packages
        c.networking.ports
        c.services.foo.url
      ];
    expected = [
      [ "foo" ]
      [ 8080 ]
      "http://localhost:8080"
    ];
  };
  testEnableDependsOnOtherOption = {
    expr =
      (cfgOf [
        envModule
        fooModule
        (opt "wantFoo" types.bool { default = true; })
        ({ config, ... }: { services.foo.enable = config.wantFoo; })
      ]).environment.packages;
    expected = [ "foo" ];
  };
  testSameModuleReferences = {
    expr =
      (cfgOf [
        (opt "a" types.int { })
        (opt "b" types.int { })
        ({ config, ... }: {
          a = config.b + 1;
          b = 1;
        })
      ]).a;
    expected = 2;
  };
  testChainOfDefaults = {
    expr =
      (cfgOf [
        ({ config, ... }: {
          options.x = mkOption { default = config.y + 1; };
          options.y = mkOption { default = config.z + 1; };
          options.z = mkOption { default = 1; };
        })
      ]).x;
    expected = 3;
  };
  testMkMergeWithConditionsOnConfig = {
    expr =
      (cfgOf [
        envModule
        (opt "flags" (types.attrsOf types.bool) { default = { }; })
        ({ config, ... }: {
          environment.packages = mkMerge [
            (mkIf (config.flags.a or false) [ "a" ])
            (mkIf (config.flags.b or false) [ "b" ])
          ];
        })
        { flags.b = true; }
      ]).environment.packages;
    expected = [ "b" ];
  };
  testOptionsArgumentInCondition = {
    expr =
      (cfgOf [
        envModule
        fooModule
        ({ options, ... }: { environment.packages = mkIf options.services.foo.port.isDefined [ "has-port" ]; })
      ]).environment.packages;
    expected = [ "has-port" ];
  };
  testModuleArgsDependOnConfig = {
    # `pkgs`-like argument computed from config, used by the module that
    # defines the config it depends on.
    expr =
      (cfgOf [
        envModule
        (opt "flavour" types.str { default = "plain"; })
        ({ config, ... }: { _module.args.pkgsLike = { tool = "tool-${config.flavour}"; }; })
        ({ pkgsLike, ... }: { environment.packages = [ pkgsLike.tool ]; })
        { flavour = "fancy"; }
      ]).environment.packages;
    expected = [ "tool-fancy" ];
  };
  testArgumentUsedOnlyInValues = {
    # The module's shape (its attribute names) does not need the argument.
    expr =
      (cfgOf [
        envModule
        ({ config, ... }: { _module.args.late = builtins.length config.environment.packages; })
        ({ late, ... }: { networking.ports = [ late ]; })
        { environment.packages = [ "x" "y" ]; }
      ]).networking.ports;
    expected = [ 2 ];
  };
  testUnreadValuesNotEvaluated = {
    expr =
      (cfgOf [
        (opt "bad" types.int { default = throw "never read"; })
        (opt "bad2" types.int { })
        (opt "good" types.int { default = 1; })
        { bad2 = throw "never read either"; }
      ]).good;
    expected = 1;
  };
  testAttrNamesDoNotEvaluateValues = {
    expr = builtins.attrNames (cfgOf [
      (opt "bad" types.int { default = throw "never read"; })
      (opt "x.y" types.int { })
      { x.y = mkIf (throw "condition not evaluated") 1; }
    ]);
    expected = [ "bad" "x" ];
  };
  testLazyAttrsOfNamesIndependentOfConditions = {
    expr =
      let
        c = cfgOf [
          (opt "m" (types.lazyAttrsOf types.int) { default = { }; })
          ({ config, ... }: { m.a = mkIf (config.m ? b) 1; })
          { m.b = 2; }
        ];
      in
      c.m;
    expected = {
      a = 1;
      b = 2;
    };
  };
  testSubmoduleReferencesOuterConfig = {
    expr =
      (cfgOf [
        (opt "domain" types.str { default = "example.org"; })
        (
          { config, ... }:
          let
            outer = config;
          in
          {
            options.hosts = mkOption {
              type = types.attrsOf (types.submodule ({ name, ... }: {
                options.fqdn = mkOption { default = "${name}.${outer.domain}"; };
              }));
            };
          }
        )
        { hosts.www = { }; }
      ]).hosts.www.fqdn;
    expected = "www.example.org";
  };
  testOuterReferencesSubmodule = {
    expr =
      (cfgOf [
        (opt "all" (types.listOf types.str) { })
        {
          options.hosts = mkOption {
            type = types.attrsOf (types.submodule { options.ip = mkOption { type = types.str; }; });
          };
        }
        ({ config, ... }: { all = lib.mapAttrsToList (n: h: "${n}=${h.ip}") config.hosts; })
        { hosts.a.ip = "1"; }
        { hosts.b.ip = "2"; }
      ]).all;
    expected = [ "a=1" "b=2" ];
  };
  # A freeform definition that reads `config` needs a lazy freeform type:
  # with `attrsOf`, the names of `config` would depend on that value.
  testFreeformReferencesDeclared = {
    expr =
      (cfgOf [
        { _module.freeformType = types.lazyAttrsOf types.str; }
        (opt "base" types.str { default = "b"; })
        ({ config, ... }: { derived = config.base + "!"; })
      ]).derived;
    expected = "b!";
  };
  testDefaultOverriddenByConfig = {
    expr =
      (cfgOf [
        envModule
        fooModule
        ({ config, ... }: { services.foo.port = mkDefault (if config.services.foo.enable then 443 else 80); })
        { services.foo.enable = true; }
      ]).services.foo.url;
    expected = "http://localhost:443";
  };
  testOptionsTreeDoesNotForceConfig = {
    expr = builtins.attrNames (eval [
      envModule
      fooModule
      { services.foo.enable = throw "not evaluated"; }
    ]).options.services.foo;
    expected = [ "enable" "port" "url" ];
  };
  testExtendModulesDoesNotReevaluateBase = {
    expr =
      let
        base = eval [
          envModule
          fooModule
        ];
        on = base.extendModules { modules = [ { services.foo.enable = true; } ]; };
      in
      [
        base.config.environment.packages
        on.config.environment.packages
      ];
    expected = [
      [ ]
      [ "foo" ]
    ];
  };
  testDeepChainOfModules = {
    expr =
      (cfgOf (
        [ (opt "n" types.int { }) ]
        ++ builtins.genList (i: { options."o${toString i}" = mkOption { default = i; }; }) 200
        ++ [ ({ config, ... }: { n = lib.foldl' (a: i: a + config."o${toString i}") 0 (lib.range 0 199); }) ]
      )).n;
    expected = 19900;
  };
}
