# The module system's names on `lib` (as nixpkgs users expect them) and the
# shapes of the property records.
let
  h = import ./_helpers.nix;
  inherit (h) lib;

  expectedTop = [
    "evalModules" "mkOption" "mkEnableOption" "mkPackageOption" "mkIf" "mkMerge" "mkForce"
    "mkDefault" "mkOverride" "mkOptionDefault" "mkVMOverride" "mkImageMediaOverride" "mkBefore"
    "mkAfter" "mkOrder" "mkAssert" "types" "literalExpression" "literalExample" "literalMD" "mdDoc"
    "mkRenamedOptionModule" "mkRemovedOptionModule" "mkAliasOptionModule" "mkChangedOptionModule"
    "mkMergedOptionModule" "mkAliasDefinitions" "mkAliasIfDef" "isOption" "isType" "setType"
    "mkOptionType" "isOptionType" "showOption" "showFiles" "mergeDefaultOption" "mergeOneOption"
    "mergeEqualOption" "mergeUniqueOption" "getValues" "getFiles" "mkSinkUndeclaredOptions"
    "setDefaultModuleLocation" "defaultOverridePriority" "defaultOrderPriority" "nixosSystem"
    "modules" "options" "optionAttrSetToDocList" "fixupOptionType" "mkDerivedConfig"
  ];
in
h.runTests {
  testTopLevelNames = {
    expr = builtins.filter (n: !(lib ? ${n})) expectedTop;
    expected = [ ];
  };
  testSameFunctions = {
    expr = [
      (lib.mkIf true 1 == lib.modules.mkIf true 1)
      (lib.mkOption { } == lib.options.mkOption { })
      (lib.types.int.name == lib.types.int.name)
    ];
    expected = [ true true true ];
  };
  testPropertyShapes = {
    expr = [
      (lib.mkIf true 1)
      (lib.mkMerge [ 1 ])
      (lib.mkOverride 7 1)
      (lib.mkOrder 7 1)
    ];
    expected = [
      { _type = "if"; condition = true; content = 1; }
      { _type = "merge"; contents = [ 1 ]; }
      { _type = "override"; priority = 7; content = 1; }
      { _type = "order"; priority = 7; content = 1; }
    ];
  };
  testMkOptionShape = {
    expr = lib.mkOption { default = 1; };
    expected = { _type = "option"; default = 1; };
  };
  # Unknown attributes (typos such as `defualt`) are rejected by the
  # function's formals (an uncatchable error, so only the formals are checked).
  testMkOptionFormals = {
    expr = builtins.attrNames (builtins.functionArgs lib.mkOption);
    expected = [
      "apply" "default" "defaultText" "description" "example" "internal" "readOnly" "relatedPackages"
      "type" "visible"
    ];
  };
  testMkEnableOption = {
    expr =
      let
        o = lib.mkEnableOption "the thing";
      in
      [ o.default o.example o.type.name (lib.hasInfix "the thing" o.description) ];
    expected = [ false true "bool" true ];
  };
  testLiteralExpression = {
    expr = lib.literalExpression "pkgs.hello";
    expected = { _type = "literalExpression"; text = "pkgs.hello"; };
  };
  testMdDocPassthrough = {
    expr = lib.mdDoc "text";
    expected = "text";
  };
  testShowOption = {
    expr = [
      (lib.showOption [ "a" "b" ])
      (lib.showOption [ "services" "foo bar" "<name>" "*" "enable" ])
      (lib.showFiles [ "a.nix" "b.nix" ])
    ];
    expected = [ "a.b" "services.\"foo bar\".<name>.*.enable" "`a.nix' and `b.nix'" ];
  };
  testIsOption = {
    expr = [ (lib.isOption (lib.mkOption { })) (lib.isOption { }) (lib.isOption 1) ];
    expected = [ true false false ];
  };
  testExtendedLibKeepsModules = {
    expr =
      let
        lib' = lib.extend (final: prev: { marker = 1; });
      in
      (lib'.evalModules {
        modules = [
          { options.m = lib'.mkOption { default = 0; }; }
          ({ lib, ... }: { m = lib.marker; })
        ];
      }).config.m;
    expected = 1;
  };
}
