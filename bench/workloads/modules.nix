# A NixOS-style module evaluation with stdlib's `lib.evalModules`: 200 service modules of
# a dozen options each (about 2,400 options, `attrsOf (submodule …)` nested two deep,
# `listOf`, `lines`, `enum`, `nullOr`), configured by other modules through `mkIf`,
# `mkMerge`, `mkDefault`, `mkForce`, `mkOverride`, `mkBefore`/`mkAfter`; every service's
# configuration is read back.
let
  lib = import ../../stdlib/lib;
  inherit (lib) mkOption mkEnableOption mkIf mkMerge mkDefault mkForce mkOverride mkBefore mkAfter types;
  n = 200;
  name = i: "svc${toString i}";
  serviceModule = i: { config, ... }: {
    options.services.${name i} = {
      enable = mkEnableOption "service ${toString i}";
      port = mkOption { type = types.port; default = 1000 + i; };
      user = mkOption { type = types.str; default = name i; };
      group = mkOption { type = types.nullOr types.str; default = null; };
      level = mkOption { type = types.enum [ "debug" "info" "warn" ]; default = "info"; };
      packages = mkOption { type = types.listOf types.str; default = [ ]; };
      extraConfig = mkOption { type = types.lines; default = ""; };
      environment = mkOption { type = types.attrsOf types.str; default = { }; };
      instances = mkOption {
        default = { };
        type = types.attrsOf (types.submodule ({ name, ... }: {
          options = {
            enable = mkOption { type = types.bool; default = true; };
            weight = mkOption { type = types.int; default = 1; };
            label = mkOption { type = types.str; default = "instance ${name}"; };
            limits = mkOption {
              default = { };
              type = types.attrsOf (types.submodule {
                options.soft = mkOption { type = types.int; default = 0; };
                options.hard = mkOption { type = types.int; default = 100; };
              });
            };
          };
        }));
      };
      summary = mkOption { type = types.str; };
    };
    config.services.${name i}.summary =
      let cfg = config.services.${name i}; in
      "${cfg.user}:${toString cfg.port}:${cfg.level}:${toString (lib.length (lib.attrNames cfg.instances))}";
  };
  configModule = i: { config, ... }: {
    config = mkMerge [
      { services.${name i}.enable = i - (i / 3) * 3 != 0; }
      (mkIf config.services.${name i}.enable {
        services.${name i} = {
          port = mkForce (2000 + i);
          packages = mkAfter [ "pkg-${toString i}" ];
          extraConfig = mkBefore "# service ${toString i}";
          environment.HOME = "/var/lib/${name i}";
          instances = lib.listToAttrs (lib.genList (j: {
            name = "i${toString j}";
            value = {
              weight = mkDefault (i + j);
              limits.cpu.hard = mkOverride 90 (j * 10);
              limits.mem = { soft = j; };
            };
          }) 8);
        };
      })
      (mkIf (i - (i / 4) * 4 != 1) { services.${name (if i > 0 then i - 1 else n - 1)}.packages = [ "from-${toString i}" ]; })
      { services.${name i}.level = mkDefault (if i - (i / 2) * 2 == 0 then "debug" else "warn"); }
    ];
  };
  eval = lib.evalModules {
    modules = lib.genList serviceModule n ++ lib.genList configModule n;
  };
  cfg = eval.config.services;
  names = lib.genList name n;
in
[
  (lib.length (lib.filter (s: cfg.${s}.enable) names))
  (lib.foldl' (acc: s: acc + cfg.${s}.port) 0 names)
  (lib.concatStringsSep "," (map (s: cfg.${s}.summary) (lib.take 5 names)))
  (lib.foldl' (acc: s: acc + lib.foldl' (a: inst: a + inst.weight + inst.limits.cpu.hard + inst.limits.mem.hard)
    0 (lib.attrValues cfg.${s}.instances)) 0 names)
  (lib.foldl' (acc: s: acc + lib.stringLength cfg.${s}.extraConfig + lib.length cfg.${s}.packages) 0 names)
  cfg.svc4.environment
]
