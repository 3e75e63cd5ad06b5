# lib.modules: the module system.
#
# `evalModules { modules; specialArgs; prefix; class; }` works in four steps:
#
# 1. Collection.  Every module (attribute set, function, or path to a file
#    holding either) is loaded: functions are called with the module
#    arguments, files are imported, and the result is brought to the full form
#    `{ _file; key; _class; imports; disabledModules; options; config; }`.
#    Imports are followed breadth first (`builtins.genericClosure`), each
#    module kept once by `key` (a file's path, an explicit `key`, or
#    `<parent key>:anon-<n>` for inline modules); `disabledModules` from any
#    module removes the modules with those keys.
#
# 2. Merging of declarations.  The collected list is reversed (so the last
#    module's definitions come first, as in nixpkgs) and walked name by name:
#    option declarations (`mkOption` values) become options, attribute sets of
#    declarations recurse, and definitions (`config`) follow the same names.
#    `mkIf`, `mkMerge`, `mkOverride` and `mkOrder` written above an option are
#    pushed down to it without evaluating their conditions, so `config` can
#    depend on `config` as long as the *names* defined by a module do not.
#
# 3. Evaluation of one option (lazily, when its value is read): the default
#    joins the definitions at priority 1500; `mkMerge`/`mkIf` are discharged
#    (conditions must be Booleans), only the definitions with the lowest
#    priority number survive, `mkOrder` sorts them (stably), every value is
#    checked against the type, and the type merges them; then `apply`.
#
# 4. Definitions that reach no option are handed to `_module.freeformType`
#    if there is one, else reported ("The option `x' does not exist.") as
#    soon as `config`, `options` or `_module` of the result is used.
{ lib }:
let
  b = builtins;
  inherit (lib.lists)
    all
    any
    concatMap
    filter
    foldl'
    imap1
    last
    reverseList
    ;
  inherit (lib.options)
    isOption
    showDefs
    showFiles
    showOption
    unknownModule
    ;
  inherit (lib.attrsets) mapAttrsRecursiveCond setAttrByPath;
  isFunction = lib.trivial.isFunction;
  types = lib.types;

  /**
    The priority of a definition written without `mkOverride` (lower numbers win).
  */
  defaultOverridePriority = 100;
  /**
    The order of a definition written without `mkOrder`; `mkBefore` is lower, `mkAfter`
    higher.
  */
  defaultOrderPriority = 1000;

  /**
    Makes a definition conditional: it counts only when `condition` (a
    Boolean, evaluated when the option is) is true. Above an attribute set
    it applies to every attribute.

    # Example
    ```nix
    config = mkIf config.services.foo.enable { networking.ports = [ 80 ]; };
    ```
  */
  mkIf = condition: content: {
    _type = "if";
    inherit condition content;
  };
  /**
    Several definitions written as one.

    # Example
    ```nix
    config = mkMerge [ { a = 1; } (mkIf c { b = 2; }) ];
    ```
  */
  mkMerge = contents: {
    _type = "merge";
    inherit contents;
  };
  /**
    Gives a definition a priority; only the definitions with the lowest
    number survive. Plain definitions have 100, `mkDefault` 1000, `mkForce`
    50, option defaults 1500.

    # Example
    ```nix
    mkOverride 900 "value"
    ```
  */
  mkOverride = priority: content: {
    _type = "override";
    inherit priority content;
  };
  /**
    Orders a definition among those that survive: lower numbers come
    first in the merged value (`mkBefore` 500, plain 1000, `mkAfter` 1500).

    # Example
    ```nix
    environment.systemPackages = mkOrder 400 [ pkgs.hello ];
    ```
  */
  mkOrder = priority: content: {
    _type = "order";
    inherit priority content;
  };

  typeOf = v: if b.isAttrs v then v._type or "" else "";

  /**
    Spreads `mkMerge`, `mkIf`, `mkOverride` and `mkOrder` written above an
    attribute set over its attributes, without evaluating conditions.

    # Example
    ```nix
    pushDownProperties (mkIf c { a = 1; })
    => [ { a = mkIf c 1; } ]
    ```
  */
  pushDownProperties =
    cfg:
    let
      t = typeOf cfg;
      wrapAll = wrap: map (b.mapAttrs (_: wrap)) (pushDownProperties cfg.content);
    in
    if t == "merge" then
      concatMap pushDownProperties cfg.contents
    else if t == "if" then
      wrapAll (mkIf cfg.condition)
    else if t == "override" then
      wrapAll (mkOverride cfg.priority)
    else if t == "order" then
      wrapAll (mkOrder cfg.priority)
    else
      [ cfg ];

  /**
    The values a definition stands for once `mkMerge` is expanded and `mkIf`
    conditions are evaluated. `mkOverride` and `mkOrder` are kept as wrappers
    and not looked into, so a definition that loses on priority (such as an
    option's default) is never evaluated.

    # Example
    ```nix
    dischargeProperties (mkMerge [ 1 (mkIf true 2) (mkIf false 3) ])
    => [ 1 2 ]
    ```
  */
  dischargeProperties =
    def:
    let
      t = typeOf def;
    in
    if t == "merge" then
      concatMap dischargeProperties def.contents
    else if t == "if" then
      if b.isBool def.condition then
        (if def.condition then dischargeProperties def.content else [ ])
      else
        b.throw "mkIf: the condition must be a Boolean, but it is ${describeValue def.condition}."
    else
      [ def ];

  # After the priorities are settled: a surviving value may still hold
  # properties below its `mkOverride`/`mkOrder` wrapper (`mkForce (mkIf c x)`,
  # `mkBefore (mkMerge [ … ])`).  Expand them; the result is plain values or
  # `mkOrder o v`.  A nested `mkOverride` no longer matters and is dropped.
  expandSurvivor =
    v:
    let
      t = typeOf v;
    in
    if t == "override" then
      expandSurvivor v.content
    else if t == "merge" || t == "if" then
      concatMap expandSurvivor (dischargeProperties v)
    else if t == "order" then
      map (c: if typeOf c == "order" then c else mkOrder v.priority c) (expandSurvivor v.content)
    else
      [ v ];

  describeValue =
    v:
    let
      t = b.typeOf v;
    in
    if t == "set" then
      "a set"
    else if t == "lambda" then
      "a function"
    else if t == "list" then
      "a list"
    else if t == "null" then
      "null"
    else if t == "int" then
      "an integer (${toString v})"
    else if t == "string" then
      "a string (${lib.strings.escapeNixString v})"
    else
      "a ${t}";

  /**
    Keeps the definitions (`{ file; value; }`) with the lowest priority
    number, without their `mkOverride` wrapper; returns `{ values; highestPrio; }`.
  */
  filterOverrides' =
    defs:
    let
      prio = def: if typeOf def.value == "override" then def.value.priority else defaultOverridePriority;
      highestPrio = foldl' (acc: def: lib.trivial.min acc (prio def)) 9999 defs;
      strip = def: if typeOf def.value == "override" then def // { value = def.value.content; } else def;
    in
    {
      inherit highestPrio;
      values = concatMap (def: if prio def == highestPrio then [ (strip def) ] else [ ]) defs;
    };

  /**
    The `values` of `filterOverrides'`.
  */
  filterOverrides = defs: (filterOverrides' defs).values;

  /**
    Sorts definitions stably by their `mkOrder` priority (1000 if none) and
    removes the wrappers.
  */
  sortProperties =
    defs:
    let
      tagged = imap1 (i: def: {
        inherit i;
        prio = if typeOf def.value == "order" then def.value.priority else defaultOrderPriority;
        def = if typeOf def.value == "order" then def // { value = def.value.content; } else def;
      }) defs;
      sorted = b.sort (x: y: x.prio < y.prio || (x.prio == y.prio && x.i < y.i)) tagged;
    in
    map (x: x.def) sorted;

  /**
    Merges the definitions `[ { file; value; } ]` of an option of type `type`
    at path `loc`: properties, priorities, order, type check, `type.merge`.
    Returns `{ mergedValue; isDefined; optionalValue; defsFinal; defsFinal'; }`.
  */
  mergeDefinitions =
    loc: type: defs:
    let
      discharged = concatMap (
        def:
        map (value: {
          inherit (def) file;
          inherit value;
        }) (b.addErrorContext "while evaluating definitions from `${toString def.file}':" (dischargeProperties def.value))
      ) defs;
      overridden = filterOverrides' discharged;
      survivors = concatMap (
        d:
        map (v: {
          inherit (d) file;
          value = v;
        }) (expandSurvivor d.value)
      ) overridden.values;
      final = if any (d: typeOf d.value == "order") survivors then sortProperties survivors else survivors;
      isDefined = final != [ ];
      mergedValue =
        if !isDefined then
          b.throw "The option `${showOption loc}' is used but not defined."
        else if all (d: type.check d.value) final then
          type.merge loc final
        else
          b.throw "A definition for option `${showOption loc}' is not of type `${type.description}'. Definition values:${
            showDefs (filter (d: !type.check d.value) final)
          }";
    in
    {
      defsFinal' = {
        values = final;
        inherit (overridden) highestPrio;
      };
      defsFinal = final;
      inherit isDefined mergedValue;
      optionalValue = if isDefined then { value = mergedValue; } else { };
    };

  /**
    An option declaration together with its value: adds `value`,
    `isDefined`, `highestPrio`, `definitions`, `files` and
    `definitionsWithLocations`; the default counts as a definition at priority
    1500 and `apply` is applied to the merged value.
  */
  evalOptionValue =
    loc: opt: defs:
    let
      withDefault =
        (
          if opt ? default then
            [
              {
                file = b.head (opt.declarations or [ unknownModule ]);
                value = mkOverride 1500 opt.default;
              }
            ]
          else
            [ ]
        )
        ++ defs;
      res =
        if (opt.readOnly or false) == true && b.length withDefault > 1 then
          b.throw "The option `${showOption loc}' is read-only, but it is set ${toString (b.length withDefault)} times:${showDefs withDefault}"
        else
          mergeDefinitions loc opt.type withDefault;
      value = if opt.apply or null != null then opt.apply res.mergedValue else res.mergedValue;
      deprecation =
        if opt.type.deprecationMessage or null != null then
          lib.trivial.warn "The type `types.${opt.type.name}' of option `${showOption loc}' in ${showFiles opt.declarations} is deprecated. ${opt.type.deprecationMessage}"
        else
          x: x;
    in
    opt
    // {
      value = deprecation (b.addErrorContext "while evaluating the option `${showOption loc}':" value);
      inherit (res.defsFinal') highestPrio;
      definitions = map (d: d.value) res.defsFinal;
      files = map (d: d.file) res.defsFinal;
      definitionsWithLocations = res.defsFinal;
      inherit (res) isDefined;
      __toString = _: showOption loc;
    };

  /**
    Wraps a module so its definitions are attributed to `file` unless it
    names its own.
  */
  setDefaultModuleLocation = file: m: {
    _file = file;
    imports = [ m ];
  };

  /**
    Merges several declarations of one option; they may not both set
    `default`, `example`, `description` or `apply`, and their types must merge.
  */
  mergeOptionDecls =
    loc: opts:
    foldl' (
      res: opt:
      let
        both = k: opt.options ? ${k} && res ? ${k};
        mergedType = res.type.typeMerge opt.options.type.functor;
        typesMergeable = mergedType != null;
      in
      if
        both "default" || both "example" || both "description" || both "apply" || (both "type" && !typesMergeable)
      then
        b.throw "The option `${showOption loc}' in `${toString opt._file}' is already declared in ${showFiles res.declarations}."
      else
        let
          subModules = opt.options.type.getSubModules or null;
        in
        opt.options
        // res
        // {
          declarations = res.declarations ++ [ opt._file ];
          options =
            if subModules != null then
              map (setDefaultModuleLocation opt._file) subModules ++ res.options
            else
              res.options;
        }
        // (if both "type" then { type = mergedType; } else { })
    ) {
      inherit loc;
      declarations = [ ];
      options = [ ];
    } opts;

  /**
    Completes a merged option declaration: type `unspecified` if none, and
    submodule types receive the submodules of every declaration.
  */
  fixupOptionType =
    loc: opt:
    if opt.type.getSubModules or null == null then
      opt // { type = opt.type or types.unspecified; }
    else
      opt
      // {
        type = opt.type.substSubModules opt.options;
        options = [ ];
      };

  # A declaration that is not an option, merged into a submodule option at
  # the same path, becomes a submodule of its own.
  optionTreeToOption =
    decl:
    if isOption decl.options then
      decl
    else
      decl
      // {
        options = lib.options.mkOption {
          type = types.submoduleWith {
            modules = [ { options = decl.options; } ];
            shorthandOnlyDefinesConfig = null;
          };
        };
      };

  attrsOrThrow =
    what: file: loc: v:
    if b.isAttrs v then
      v
    else
      b.throw "In `${toString file}': ${what} at `${showOption loc}' must be an attribute set, but it is ${describeValue v}.";

  /**
    Merges declarations `[ { _file; options; } ]` and definitions
    `[ { file; config; } ]` (properties already pushed down to this level) at
    `prefix`; returns `{ matchedOptions; unmatchedDefns; }`.
  */
  mergeModules' =
    prefix: modules: configs:
    let
      declsByName = b.zipAttrsWith (n: v: v) (
        map (
          m:
          b.mapAttrs (n: o: {
            inherit (m) _file;
            options = o;
          }) (attrsOrThrow "the option declarations" m._file prefix m.options)
        ) modules
      );
      pushedDefsByName = b.zipAttrsWith (n: b.concatLists) (
        map (
          c:
          b.mapAttrs (
            n: v:
            map (pushed: {
              inherit (c) file;
              config = pushed;
            }) (pushDownProperties v)
          ) (attrsOrThrow "the definition" c.file prefix c.config)
        ) configs
      );
      rawDefsByName = b.zipAttrsWith (n: v: v) (
        map (
          c:
          b.mapAttrs (n: v: {
            inherit (c) file;
            value = v;
          }) (attrsOrThrow "the definition" c.file prefix c.config)
        ) configs
      );
      resultsByName = b.mapAttrs (
        name: decls:
        let
          loc = prefix ++ [ name ];
          defs = pushedDefsByName.${name} or [ ];
          rawDefs = rawDefsByName.${name} or [ ];
          optionDecls = filter (d: isOption d.options) decls;
        in
        if optionDecls == [ ] then
          mergeModules' loc decls defs
        else if b.length optionDecls == b.length decls then
          {
            matchedOptions = evalOptionValue loc (fixupOptionType loc (mergeOptionDecls loc decls)) rawDefs;
            unmatchedDefns = [ ];
          }
        else if all (d: (d.options.type.name or null) == "submodule") optionDecls then
          {
            matchedOptions = evalOptionValue loc (fixupOptionType loc (mergeOptionDecls loc (map optionTreeToOption decls))) rawDefs;
            unmatchedDefns = [ ];
          }
        else
          let
            firstOpt = b.head optionDecls;
            firstNonOpt = b.head (filter (d: !isOption d.options) decls);
          in
          b.throw "The option `${showOption loc}' in `${toString firstOpt._file}' is a prefix of options in `${toString firstNonOpt._file}'."
      ) declsByName;
      matchedOptions = b.mapAttrs (n: r: r.matchedOptions) resultsByName;
      unmatchedByName =
        b.mapAttrs (n: r: r.unmatchedDefns) resultsByName // removeAttrs rawDefsByName (b.attrNames resultsByName);
    in
    {
      inherit matchedOptions;
      unmatchedDefns =
        if configs == [ ] then
          [ ]
        else
          b.concatLists (
            lib.attrsets.mapAttrsToList (
              name: defs: map (d: d // { prefix = [ name ] ++ (d.prefix or [ ]); }) defs
            ) unmatchedByName
          );
    };

  /**
    Merges collected modules (full form) into the evaluated options tree and
    the definitions that match no option.
  */
  mergeModules =
    prefix: modules:
    mergeModules' prefix modules (
      concatMap (
        m:
        map (config: {
          file = m._file;
          inherit config;
        }) (pushDownProperties m.config)
      ) modules
    );

  /**
    Brings a module (an attribute set) to the full form `{ _file; key;
    _class; disabledModules; imports; options; config; }`; the shorthand form
    (no `config`/`options`) is all configuration.
  */
  unifyModuleSyntax =
    file: key: m:
    let
      withMeta = config: if m ? meta then mkMerge [ config { meta = m.meta; } ] else config;
      withFreeform =
        config: if m ? freeformType then mkMerge [ config { _module.freeformType = m.freeformType; } ] else config;
      common = {
        _file = toString (m._file or file);
        key = toString (m.key or key);
        _class = m._class or null;
        disabledModules = m.disabledModules or [ ];
      };
      structural = [
        "_class"
        "_file"
        "key"
        "disabledModules"
        "imports"
        "options"
        "config"
        "meta"
        "freeformType"
      ];
      extra = b.attrNames (removeAttrs m structural);
    in
    if !b.isAttrs m then
      b.throw "The module `${toString key}' (in `${toString file}') is ${describeValue m}, not a module (an attribute set, a function returning one, or a path)."
    else if m ? config || m ? options then
      if extra != [ ] then
        b.throw "The module `${common.key}' has an unsupported attribute `${b.head extra}'. A module with a top-level `config' or `options' may only have the attributes ${
          lib.strings.concatMapStringsSep ", " (n: "`${n}'") structural
        }; move `${b.head extra}' into `config', or write all definitions at the top level without `config'."
      else
        common
        // {
          imports = m.imports or [ ];
          options = m.options or { };
          config = withFreeform (withMeta (m.config or { }));
        }
    else
      common
      // {
        imports = (m.require or [ ]) ++ (m.imports or [ ]);
        options = { };
        config = withFreeform (
          removeAttrs m [
            "_class"
            "_file"
            "key"
            "disabledModules"
            "require"
            "imports"
            "freeformType"
          ]
        );
      };

  /**
    Calls a function module with the module arguments: each formal comes from
    the arguments (specialArgs included) or, lazily, from `config._module.args`.
  */
  applyModuleArgsIfFunction =
    key: f: args:
    if isFunction f then
      let
        wanted = lib.trivial.functionArgs f;
        fromConfig =
          name:
          b.addErrorContext "while evaluating the module argument `${name}' in `${key}':" (
            args.config._module.args.${name} or (b.throw
              "The module `${key}' asks for the argument `${name}', but neither specialArgs nor _module.args provide it."
            )
          );
        extra = b.mapAttrs (name: _: if args ? ${name} then args.${name} else fromConfig name) wanted;
      in
      f (args // extra)
    else
      f;

  # The key a `disabledModules` entry refers to.
  disabledKey =
    modulesPath: file: m:
    if b.isString m then
      (if b.substring 0 1 m == "/" then m else toString modulesPath + "/" + m)
    else if b.isPath m then
      toString m
    else if b.isAttrs m && m ? key then
      toString m.key
    else if b.isAttrs m && m ? outPath then
      toString m
    else
      b.throw "In `${toString file}': each disabledModules entry must be a path, a string (relative to modulesPath) or an attribute set with a `key', but one is ${describeValue m}.";

  /**
    Loads `modules` and their imports, breadth first, once per key, without
    the ones named by any `disabledModules`.
  */
  collectModules =
    class: modulesPath: modules: args:
    let
      checkClass =
        m:
        if class == null || m._class == null || m._class == class then
          m
        else
          b.throw "The module `${m._file}' (key `${m.key}') is of class `${m._class}', but it was imported into an evaluation of class `${class}'.";
      load =
        parentFile: fallbackKey: m:
        if isFunction m || b.isAttrs m then
          checkClass (unifyModuleSyntax parentFile fallbackKey (applyModuleArgsIfFunction fallbackKey m args))
        else if b.isList m then
          b.throw "In `${toString parentFile}': an element of `imports' is a list; imports take modules, not lists of them (remove one level of brackets)."
        else if !(b.isPath m || b.isString m) then
          b.throw "In `${toString parentFile}': a module must be an attribute set, a function or a path, but one is ${describeValue m}."
        else
          let
            file = toString m;
          in
          checkClass (unifyModuleSyntax file file (applyModuleArgsIfFunction file (import m) args));
      item =
        parentFile: parentKey: n: m:
        let
          mod = load parentFile "${parentKey}:anon-${toString n}" m;
        in
        {
          key = mod.key;
          module = mod;
          children = imap1 (item mod._file mod.key) mod.imports;
        };
      top = imap1 (item unknownModule "") modules;
      everything = b.genericClosure {
        startSet = top;
        operator = i: i.children;
      };
      disabled = b.listToAttrs (
        concatMap (
          i:
          map (m: {
            name = disabledKey modulesPath i.module._file m;
            value = null;
          }) i.module.disabledModules
        ) everything
      );
      keep = i: !(disabled ? ${i.key});
      kept =
        if disabled == { } then
          everything
        else
          b.genericClosure {
            startSet = filter keep top;
            operator = i: filter keep i.children;
          };
    in
    map (i: i.module) kept;

  # Names at `loc` in an options tree that are close to `name`, for hints.
  closeNames =
    tree: name:
    if !b.isAttrs tree || isOption tree then
      [ ]
    else
      lib.lists.take 3 (filter (n: n != "_module" && lib.strings.levenshteinAtMost 2 n name) (b.attrNames tree));

  /**
    Evaluates a list of modules.

    # Example
    ```nix
    (evalModules {
      modules = [
        { options.a = mkOption { type = types.int; default = 1; }; }
        { a = mkForce 2; }
      ];
    }).config.a
    => 2
    ```
  */
  evalModules =
    evalModulesArgs@{
      modules,
      prefix ? [ ],
      args ? { },
      specialArgs ? { },
      check ? true,
      class ? null,
    }:
    let
      legacyModules =
        (if evalModulesArgs ? args then [ { _module.args = args; } ] else [ ])
        ++ (if evalModulesArgs ? check then [ { _module.check = mkOverride 1001 check; } ] else [ ]);
      regularModules = modules ++ legacyModules;

      internalModule = {
        _file = "lib/modules.nix";
        key = "lib/modules.nix";
        options = {
          _module.args = lib.options.mkOption {
            type = types.lazyAttrsOf types.raw;
            internal = true;
            description = "Arguments passed to every function module (besides specialArgs).";
          };
          _module.check = lib.options.mkOption {
            type = types.bool;
            internal = true;
            default = true;
            description = "Whether definitions without an option are an error.";
          };
          _module.freeformType = lib.options.mkOption {
            type = types.nullOr types.optionType;
            internal = true;
            default = null;
            description = "The type of definitions that have no option; null makes them an error.";
          };
          _module.specialArgs = lib.options.mkOption {
            readOnly = true;
            internal = true;
            description = "The specialArgs this evaluation was given.";
          };
        };
        config = {
          _module.args = {
            inherit extendModules;
            moduleType = type;
          };
          _module.specialArgs = specialArgs;
        };
      };

      merged =
        let
          collected = collectModules class (specialArgs.modulesPath or "") (regularModules ++ [ internalModule ]) (
            {
              inherit
                lib
                options
                config
                specialArgs
                ;
              _class = class;
              _prefix = prefix;
            }
            // specialArgs
          );
        in
        mergeModules prefix (reverseList collected);

      options = merged.matchedOptions;

      config =
        let
          declared = mapAttrsRecursiveCond (v: !isOption v) (_: v: v.value) options;
          freeformType = declared._module.freeformType;
        in
        if freeformType == null then
          declared
        else
          lib.attrsets.recursiveUpdate (
            if merged.unmatchedDefns == [ ] then
              { }
            else
              freeformType.merge prefix (
                map (d: {
                  inherit (d) file;
                  value = setAttrByPath d.prefix d.value;
                }) merged.unmatchedDefns
              )
          ) declared;

      checkUnmatched =
        if config._module.check && config._module.freeformType == null && merged.unmatchedDefns != [ ] then
          let
            first = b.head merged.unmatchedDefns;
            parent = lib.attrsets.attrByPath (lib.lists.init first.prefix) { } options;
            hints = closeNames parent (last first.prefix);
          in
          b.throw (
            "The option `${showOption (prefix ++ first.prefix)}' does not exist. It is defined in `${toString first.file}'."
            + (
              if hints == [ ] then
                ""
              else
                " Did you mean ${
                  lib.strings.concatMapStringsSep " or " (
                    n: "`${showOption (prefix ++ lib.lists.init first.prefix ++ [ n ])}'"
                  ) hints
                }?"
            )
            + "\nDefinition:${showDefs [ first ]}"
          )
        else
          null;

      checked = b.seq checkUnmatched;

      extendModules =
        extendArgs@{
          modules ? [ ],
          specialArgs ? { },
          prefix ? [ ],
        }:
        evalModules (
          evalModulesArgs
          // {
            modules = evalModulesArgs.modules ++ modules;
            specialArgs = (evalModulesArgs.specialArgs or { }) // specialArgs;
            prefix = extendArgs.prefix or evalModulesArgs.prefix or [ ];
          }
        );

      type = types.submoduleWith {
        inherit modules specialArgs class;
      };
    in
    {
      _type = "configuration";
      options = checked options;
      config = checked (removeAttrs config [ "_module" ]);
      _module = checked config._module;
      inherit extendModules type class;
    };

  # Aliases and renames.

  /**
    `mkIf` on whether `option` is defined.
  */
  mkAliasIfDef = option: mkIf (isOption option && option.isDefined);

  /**
    Re-defines `option`'s definitions elsewhere, through `wrap`, if it has any.
  */
  mkAliasAndWrapDefinitions = wrap: option: mkAliasIfDef option (wrap (mkMerge option.definitions));

  /**
    Re-defines `option`'s definitions elsewhere, if it has any.

    # Example
    ```nix
    config.b = mkAliasDefinitions options.a;
    ```
  */
  mkAliasDefinitions = mkAliasAndWrapDefinitions (x: x);

  /**
    Like `mkAliasAndWrapDefinitions`, keeping the definitions' priority.
  */
  mkAliasAndWrapDefsWithPriority =
    wrap: option:
    let
      prio = option.highestPrio or defaultOverridePriority;
    in
    mkIf (option.isDefined or true) (wrap (mkMerge (map (mkOverride prio) option.definitions)));

  /**
    A module declaring the option `from` as an alias of `to`; the building
    block of `mkRenamedOptionModule` and `mkAliasOptionModule`.
  */
  doRename =
    {
      from,
      to,
      visible,
      warn,
      use,
      withPriority ? true,
      condition ? true,
    }:
    { config, options, ... }:
    let
      fromOpt = lib.attrsets.getAttrFromPath from options;
      toOf = lib.attrsets.attrByPath to (b.throw "Renaming error: option `${showOption to}' does not exist.");
      toType =
        let
          opt = lib.attrsets.attrByPath to { } options;
        in
        opt.type or (types.submodule { });
    in
    {
      options = setAttrByPath from (
        lib.options.mkOption {
          inherit visible;
          description = "Alias of `${showOption to}`.";
          apply = x: use (toOf config);
        }
        // (if toType != null then { type = toType; } else { })
      );
      config = mkIf condition (mkMerge [
        (
          if options ? warnings then
            {
              warnings =
                if warn && fromOpt.isDefined then
                  [
                    "The option `${showOption from}' defined in ${showFiles fromOpt.files} has been renamed to `${showOption to}'."
                  ]
                else
                  [ ];
            }
          else
            { }
        )
        (
          if withPriority then
            mkAliasAndWrapDefsWithPriority (setAttrByPath to) fromOpt
          else
            mkAliasAndWrapDefinitions (setAttrByPath to) fromOpt
        )
      ]);
    };

  /**
    A module that keeps the old option path `from` working as an alias of
    `to`, with a warning.

    # Example
    ```nix
    imports = [ (mkRenamedOptionModule [ "networking" "host" ] [ "networking" "hostName" ]) ];
    ```
  */
  mkRenamedOptionModule =
    from: to:
    doRename {
      inherit from to;
      visible = false;
      warn = true;
      use = lib.trivial.warn "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
    };

  /**
    `mkRenamedOptionModule` that warns only once `sinceRelease` is older
    than the oldest supported release.
  */
  mkRenamedOptionModuleWith =
    {
      from,
      to,
      sinceRelease,
    }:
    doRename {
      inherit from to;
      visible = false;
      warn = lib.trivial.isInOldestRelease sinceRelease;
      use = lib.trivial.warnIf (lib.trivial.isInOldestRelease sinceRelease) "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
    };

  /**
    A module declaring `from` as a silent alias of `to`.
  */
  mkAliasOptionModule =
    from: to:
    doRename {
      inherit from to;
      visible = true;
      warn = false;
      use = x: x;
    };

  /**
    A module whose option `optionName` is gone: defining it fails an
    assertion with `replacementInstructions`.
  */
  mkRemovedOptionModule =
    optionName: replacementInstructions:
    { options, ... }:
    {
      options = setAttrByPath optionName (
        lib.options.mkOption {
          visible = false;
          apply = x: b.throw "The option `${showOption optionName}' can no longer be used since it has been removed. ${replacementInstructions}";
        }
      );
      config.assertions =
        let
          opt = lib.attrsets.getAttrFromPath optionName options;
        in
        [
          {
            assertion = !opt.isDefined;
            message = "The option definition `${showOption optionName}' in ${showFiles opt.files} no longer has any effect; please remove it.\n${replacementInstructions}";
          }
        ];
    };

  /**
    A module mapping the old option `from` to `to` through `changeFn config`.
  */
  mkChangedOptionModule =
    from: to: changeFn:
    mkMergedOptionModule [ from ] to changeFn;

  /**
    A module mapping several old options `from` to `to` through `mergeFn config`.
  */
  mkMergedOptionModule =
    from: to: mergeFn:
    { config, options, ... }:
    {
      options = foldl' lib.attrsets.recursiveUpdate { } (
        map (
          path:
          setAttrByPath path (
            lib.options.mkOption {
              visible = false;
              default = "_mkMergedOptionModule";
            }
          )
        ) from
      );
      config =
        (
          if options ? warnings then
            {
              warnings = concatMap (
                path:
                let
                  opt = lib.attrsets.getAttrFromPath path options;
                in
                if lib.attrsets.getAttrFromPath path config != "_mkMergedOptionModule" then
                  [
                    "The option `${showOption path}' defined in ${showFiles opt.files} has been changed to `${showOption to}' that has a different type. Please read `${showOption to}' documentation and update your configuration accordingly."
                  ]
                else
                  [ ]
              ) from;
            }
          else
            { }
        )
        // setAttrByPath to (
          mkIf (any (p: lib.attrsets.getAttrFromPath p config != "_mkMergedOptionModule") from) (mergeFn config)
        );
    };
in
{
  inherit
    evalModules
    collectModules
    unifyModuleSyntax
    applyModuleArgsIfFunction
    setDefaultModuleLocation
    mergeModules
    mergeModules'
    mergeOptionDecls
    fixupOptionType
    evalOptionValue
    mergeDefinitions
    pushDownProperties
    dischargeProperties
    filterOverrides
    filterOverrides'
    sortProperties
    defaultOverridePriority
    defaultOrderPriority
    mkIf
    mkMerge
    mkOverride
    mkOrder
    mkAliasIfDef
    mkAliasDefinitions
    mkAliasAndWrapDefinitions
    mkAliasAndWrapDefsWithPriority
    doRename
    mkRenamedOptionModule
    mkRenamedOptionModuleWith
    mkAliasOptionModule
    mkRemovedOptionModule
    mkChangedOptionModule
    mkMergedOptionModule
    ;

  /**
    Older name of `defaultOverridePriority`.
  */
  defaultPriority = defaultOverridePriority;

  /**
    `mkIf` that throws `message` when `assertion` is false.
  */
  mkAssert =
    assertion: message: content:
    mkIf (if assertion then true else b.throw "\nFailed assertion: ${message}") content;

  /**
    Priority 1500, the weakest: what an option's own `default` is given.
  */
  mkOptionDefault = mkOverride 1500;
  /**
    Priority 1000: a default that any plain definition replaces.

    # Example
    ```nix
    # with `{ a = mkDefault 1; }` and `{ a = 2; }` in two modules
    config.a
    => 2
    ```
  */
  mkDefault = mkOverride 1000;
  /**
    Priority 60, used by image and installation-media configurations.
  */
  mkImageMediaOverride = mkOverride 60;
  /**
    Priority 50: wins over plain definitions and `mkDefault`.
  */
  mkForce = mkOverride 50;
  /**
    Priority 10, the strongest of the named ones (virtual-machine test setups).
  */
  mkVMOverride = mkOverride 10;

  /**
    Kept for compatibility; does nothing.
  */
  mkFixStrictness = x: x;

  /**
    Order 500: in a merged list (or lines), this definition comes before the unordered ones.
  */
  mkBefore = mkOrder 500;
  /**
    Order 1500: in a merged list, this definition comes after the unordered ones.
  */
  mkAfter = mkOrder 1500;

  /**
    A value computed from `opt`'s value, at `opt`'s priority.
  */
  mkDerivedConfig = opt: f: mkOverride (opt.highestPrio or defaultOverridePriority) (f opt.value);

  /**
    A module whose `config` is the contents of a JSON file.
  */
  importJSON = file: {
    _file = file;
    config = lib.trivial.importJSON file;
  };
  /**
    A module whose `config` is the contents of a TOML file.
  */
  importTOML = file: {
    _file = file;
    config = lib.trivial.importTOML file;
  };
}
