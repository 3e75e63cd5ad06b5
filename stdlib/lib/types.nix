# lib.types: option types.  A type is a record made by `mkOptionType`:
#
#   name, description, descriptionClass   for messages and documentation
#   check : value -> bool                 run on every definition value
#   merge : loc -> [ { file; value; } ] -> value
#   emptyValue                            `{ value = …; }` when the type has a
#                                         natural empty value (lists, sets)
#   getSubOptions, getSubModules, substSubModules
#                                         submodule plumbing
#   functor, typeMerge                    how two declarations of one option
#                                         with types of the same kind combine
#
# Container types (listOf, attrsOf, …) merge their elements through
# `lib.modules.mergeDefinitions`, so priorities and `mkIf` work per element.
{ lib }:
let
  b = builtins;
  inherit (lib.lists) all foldl' imap1 last unique;
  inherit (lib.strings) concatMapStringsSep isStringLike isStorePath;
  inherit (lib.options)
    mergeDefaultOption
    mergeEqualOption
    mergeOneOption
    mergeUniqueOption
    showFiles
    showOption
    ;
  isFunction = lib.trivial.isFunction;
  mergeDefinitions = loc: type: defs: lib.modules.mergeDefinitions loc type defs;

  /**
    True if `x` is an attribute set tagged `_type = type`.
  */
  isType = type: x: b.isAttrs x && (x._type or "") == type;

  /**
    Tags `value` with `_type = typeName` (the marker `isType` looks for).
  */
  setType = typeName: value: value // { _type = typeName; };

  /**
    How a type's kind is recorded for `typeMerge`: its `name`, the type constructor `type` that rebuilds a type of this kind, and no `wrapped` type or `payload` yet.
  */
  defaultFunctor = name: {
    inherit name;
    type = types.${name} or null;
    wrapped = null;
    payload = null;
    binOp = a: b: null;
  };

  /**
    The usual `typeMerge`: two types merge when they are of the same kind and either carry neither wrapped types nor payloads, or their wrapped types merge, or `binOp` combines their payloads. `null` means they cannot merge.
  */
  defaultTypeMerge =
    f: f':
    if f.name != f'.name then
      null
    else if f.wrapped == null && f'.wrapped == null && f.payload == null && f'.payload == null then
      f.type
    else if f.wrapped != null && f'.wrapped != null then
      let
        w = f.wrapped.typeMerge f'.wrapped.functor;
      in
      if w == null then null else f.type w
    else if f.payload != null && f'.payload != null then
      let
        p = f.binOp f.payload f'.payload;
      in
      if p == null then null else f.type p
    else
      null;

  /**
    True if `x` is an option type (made by `mkOptionType`).
  */
  isOptionType = isType "option-type";

  /**
    Makes an option type from its `name`, `description`, `check` predicate, `merge` function and the optional rest (`emptyValue`, `getSubOptions`, `typeMerge`, `functor`, `nestedTypes`, …); unset fields get working defaults.

    # Example
    ```nix
    (mkOptionType { name = "even"; check = x: builtins.isInt x && x / 2 * 2 == x; }).check 4
    => true
    ```
  */
  mkOptionType =
    {
      name,
      description ? null,
      descriptionClass ? null,
      check ? (_: true),
      merge ? mergeDefaultOption,
      emptyValue ? { },
      getSubOptions ? prefix: { },
      getSubModules ? null,
      substSubModules ? m: null,
      typeMerge ? defaultTypeMerge functor,
      functor ? defaultFunctor name,
      deprecationMessage ? null,
      nestedTypes ? { },
    }:
    {
      _type = "option-type";
      inherit
        name
        descriptionClass
        check
        merge
        emptyValue
        getSubOptions
        getSubModules
        substSubModules
        typeMerge
        functor
        deprecationMessage
        nestedTypes
        ;
      description = if description == null then name else description;
    };

  # The description of `t` as part of a longer phrase; parenthesised unless
  # `bare` accepts its class.
  phrase =
    bare: t:
    if bare (t.descriptionClass or null) then t.description else "(${t.description})";
  nounOrComposite = c: c == "noun" || c == "composite";

  showEnumValue =
    v:
    if b.isString v then
      ''"${v}"''
    else if b.isInt v then
      toString v
    else if b.isBool v then
      (if v then "true" else "false")
    else
      "<${b.typeOf v}>";

  /**
    The type of attribute sets whose values are of `elemType`; `lazy = true` keeps the values unevaluated until they are used (`lazyAttrsOf`), and `placeholder` names them in documentation (`<name>`). `attrsOf` and `lazyAttrsOf` are built from it.
  */
  attrsWith =
    {
      elemType,
      lazy ? false,
      placeholder ? "name",
    }:
    let
      name = if lazy then "lazyAttrsOf" else "attrsOf";
      perName =
        loc: defs:
        b.zipAttrsWith (n: ds: mergeDefinitions (loc ++ [ n ]) elemType ds) (
          map (
            def:
            b.mapAttrs (n: v: {
              inherit (def) file;
              value = v;
            }) def.value
          ) defs
        );
    in
    mkOptionType {
      inherit name;
      description =
        (if lazy then "lazy attribute set of " else "attribute set of ") + phrase nounOrComposite elemType;
      descriptionClass = "composite";
      check = b.isAttrs;
      merge =
        loc: defs:
        if lazy then
          b.mapAttrs (
            n: r:
            if r.isDefined then r.mergedValue else elemType.emptyValue.value or r.mergedValue
          ) (perName loc defs)
        else
          b.mapAttrs (n: r: r.mergedValue) (lib.attrsets.filterAttrs (n: r: r.isDefined) (perName loc defs));
      emptyValue = {
        value = { };
      };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<${placeholder}>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules =
        m:
        attrsWith {
          elemType = elemType.substSubModules m;
          inherit lazy placeholder;
        };
      functor = defaultFunctor name // {
        type = if lazy then types.lazyAttrsOf else types.attrsOf;
        wrapped = elemType;
      };
      nestedTypes.elemType = elemType;
    };

  types = {
    inherit
      isType
      setType
      defaultTypeMerge
      defaultFunctor
      isOptionType
      mkOptionType
      ;

    /**
      Any value; exactly one definition; nothing is merged or looked into.
    */
    raw = mkOptionType {
      name = "raw";
      description = "raw value";
      descriptionClass = "noun";
      merge = mergeOneOption;
    };

    /**
      Any value.  Attribute sets are merged key by key (properties work
      inside them), functions pointwise; other values must all be equal.
    */
    anything = mkOptionType {
      name = "anything";
      description = "anything";
      descriptionClass = "noun";
      merge =
        loc: defs:
        let
          kind = v: if b.isAttrs v && isStringLike v then "stringCoercibleSet" else b.typeOf v;
          common = foldl' (
            k: def:
            if kind def.value == k then
              k
            else
              b.throw "The option `${showOption loc}' has definitions of different types, in ${showFiles (map (d: d.file) defs)}."
          ) (kind (b.head defs).value) defs;
        in
        if common == "set" then
          (types.attrsOf types.anything).merge loc defs
        else if common == "lambda" then
          x:
          types.anything.merge (loc ++ [ "<function body>" ]) (map (d: d // { value = d.value x; }) defs)
        else if common == "list" && b.length defs == 1 then
          (types.listOf types.anything).merge loc defs
        else
          mergeEqualOption loc defs;
    };

    /**
      Any value, merged by `mergeDefaultOption` (lists concatenated, sets
      updated, Booleans or-ed, strings concatenated).
    */
    unspecified = mkOptionType {
      name = "unspecified";
      description = "unspecified value";
      descriptionClass = "noun";
    };

    /**
      `true` or `false`; definitions must agree.
    */
    bool = mkOptionType {
      name = "bool";
      description = "boolean";
      descriptionClass = "noun";
      check = b.isBool;
      merge = mergeEqualOption;
    };

    /**
      A Boolean; several definitions are or-ed.
    */
    boolByOr = mkOptionType {
      name = "boolByOr";
      description = "boolean (merged using or)";
      descriptionClass = "noun";
      check = b.isBool;
      merge = loc: defs: foldl' (acc: d: acc || d.value) false defs;
    };

    /**
      A signed integer.
    */
    int = mkOptionType {
      name = "int";
      description = "signed integer";
      descriptionClass = "noun";
      check = b.isInt;
      merge = mergeEqualOption;
    };

    /**
      Integer ranges: `between lo hi`, `positive`, `unsigned`, `u8`/`u16`/`u32`, `s8`/`s16`/`s32`.
    */
    ints =
      let
        between =
          lo: hi:
          types.addCheck types.int (x: x >= lo && x <= hi)
          // {
            name = "intBetween";
            description = "integer between ${toString lo} and ${toString hi} (both inclusive)";
          };
        unsigned =
          bits:
          between 0 (pow2 bits - 1)
          // {
            name = "unsignedInt${toString bits}";
            description = "${toString bits} bit unsigned integer";
          };
        signed =
          bits:
          between (0 - pow2 (bits - 1)) (pow2 (bits - 1) - 1)
          // {
            name = "signedInt${toString bits}";
            description = "${toString bits} bit signed integer";
          };
        pow2 = n: foldl' (acc: _: acc * 2) 1 (lib.lists.range 1 n);
      in
      {
        inherit between;
        unsigned = types.addCheck types.int (x: x >= 0) // {
          name = "unsignedInt";
          description = "unsigned integer, meaning >=0";
        };
        positive = types.addCheck types.int (x: x > 0) // {
          name = "positiveInt";
          description = "positive integer, meaning >0";
        };
        u8 = unsigned 8;
        u16 = unsigned 16;
        u32 = unsigned 32;
        s8 = signed 8;
        s16 = signed 16;
        s32 = signed 32;
      };

    /**
      A TCP/UDP port number, `0` to `65535`.
    */
    port = types.ints.u16;

    /**
      A floating-point number.
    */
    float = mkOptionType {
      name = "float";
      description = "floating point number";
      descriptionClass = "noun";
      check = b.isFloat;
      merge = mergeEqualOption;
    };

    /**
      An integer or a float.
    */
    number = types.either types.int types.float;

    /**
      Number ranges: `between lo hi`, `nonnegative`, `positive`.
    */
    numbers = {
      between =
        lo: hi:
        types.addCheck types.number (x: x >= lo && x <= hi)
        // {
          name = "numberBetween";
          description = "integer or floating point number between ${toString lo} and ${toString hi} (both inclusive)";
        };
      nonnegative = types.addCheck types.number (x: x >= 0) // {
        name = "numberNonnegative";
        description = "nonnegative integer or floating point number, meaning >=0";
      };
      positive = types.addCheck types.number (x: x > 0) // {
        name = "numberPositive";
        description = "positive integer or floating point number, meaning >0";
      };
    };

    /**
      A string; definitions must agree.
    */
    str = mkOptionType {
      name = "str";
      description = "string";
      descriptionClass = "noun";
      check = b.isString;
      merge = mergeEqualOption;
    };

    /**
      A string that is not empty and not only whitespace.
    */
    nonEmptyStr = mkOptionType {
      name = "nonEmptyStr";
      description = "non-empty string";
      descriptionClass = "noun";
      check = x: b.isString x && b.match "[ \t\n]*" x == null;
      merge = mergeEqualOption;
    };

    /**
      A string without newlines, except possibly one at the end.
    */
    singleLineStr = mkOptionType {
      name = "singleLineStr";
      description = "(optionally newline-terminated) single-line string";
      descriptionClass = "noun";
      check = x: b.isString x && b.match "[^\n\r]*\n?" x != null;
      merge = mergeEqualOption;
    };

    /**
      A string matching the regular expression `pattern` as a whole (as `builtins.match` does).
    */
    strMatching =
      pattern:
      mkOptionType {
        name = "strMatching ${lib.strings.escapeNixString pattern}";
        description = "string matching the pattern ${pattern}";
        descriptionClass = "noun";
        check = x: b.isString x && b.match pattern x != null;
        merge = mergeEqualOption;
        functor = defaultFunctor "strMatching" // {
          type = p: types.strMatching p.pattern;
          payload = { inherit pattern; };
          binOp = l: r: if l == r then l else null;
        };
      };

    /**
      Strings; several definitions are joined with `sep`.
    */
    separatedString =
      sep:
      mkOptionType {
        name = "separatedString";
        description = if sep == "" then "Concatenated string" else "strings concatenated with ${b.toJSON sep}";
        descriptionClass = "noun";
        check = b.isString;
        merge = loc: defs: b.concatStringsSep sep (map (d: d.value) defs);
        functor = defaultFunctor "separatedString" // {
          type = p: types.separatedString p.sep;
          payload = { inherit sep; };
          binOp = l: r: if l.sep == r.sep then l else null;
        };
      };

    /**
      Strings, several definitions joined with newlines.
    */
    lines = types.separatedString "\n";
    /**
      Strings, several definitions joined with `,`.
    */
    commas = types.separatedString ",";
    /**
      Strings, several definitions joined with `:` (as in `PATH`).
    */
    envVar = types.separatedString ":";
    /**
      Deprecated: strings concatenated without a separator; use `str`, `lines` or `separatedString`.
    */
    string = types.separatedString "" // {
      name = "string";
      deprecationMessage = "types.string is deprecated; use types.str, types.lines or types.separatedString.";
    };

    /**
      `entryType`, refusing values that contain `:` or a newline (unsafe in `/etc/passwd`).
    */
    passwdEntry =
      entryType:
      types.addCheck entryType (s: !(lib.strings.hasInfix ":" s || lib.strings.hasInfix "\n" s))
      // {
        name = "passwdEntry ${entryType.name}";
        description = "${phrase nounOrComposite entryType}, not containing newlines or colons";
      };

    /**
      Any attribute set; definitions are merged shallowly with `//`.
    */
    attrs = mkOptionType {
      name = "attrs";
      description = "attribute set";
      descriptionClass = "noun";
      check = b.isAttrs;
      merge = loc: defs: foldl' (acc: d: acc // d.value) { } defs;
      emptyValue = {
        value = { };
      };
    };

    /**
      A derivation or a store path; exactly one definition.
    */
    package = mkOptionType {
      name = "package";
      descriptionClass = "noun";
      check = x: lib.attrsets.isDerivation x || isStorePath x;
      merge = mergeOneOption;
    };

    /**
      A package that has a `shellPath` attribute.
    */
    shellPackage = types.package // {
      check = x: lib.attrsets.isDerivation x && x ? shellPath;
    };

    /**
      A package set (the result of importing the package-set entry);
      exactly one definition.
    */
    pkgs = mkOptionType {
      name = "pkgs";
      description = "package set";
      descriptionClass = "noun";
      check = b.isAttrs;
      merge = mergeUniqueOption { message = "A package set cannot be merged with another one."; };
    };

    /**
      An absolute path, as a path value or a string starting with `/`.
    */
    path = mkOptionType {
      name = "path";
      descriptionClass = "noun";
      check = x: isStringLike x && b.substring 0 1 (toString x) == "/";
      merge = mergeEqualOption;
    };

    /**
      A path (or string) inside the Nix store.
    */
    pathInStore = mkOptionType {
      name = "pathInStore";
      description = "path in the Nix store";
      descriptionClass = "noun";
      check = x: isStringLike x && lib.strings.hasPrefix b.storeDir (toString x) && toString x != b.storeDir;
      merge = mergeEqualOption;
    };

    /**
      A list; definitions are concatenated (in definition order, then by
      `mkOrder` priority) and each element is merged as a `elemType`.
    */
    listOf =
      elemType:
      mkOptionType {
        name = "listOf";
        description = "list of ${phrase nounOrComposite elemType}";
        descriptionClass = "composite";
        check = b.isList;
        merge =
          loc: defs:
          map (r: r.mergedValue) (
            b.filter (r: r.isDefined) (
              b.concatLists (
                imap1 (
                  n: def:
                  imap1 (
                    m: v:
                    mergeDefinitions (loc ++ [ "[definition ${toString n}-entry ${toString m}]" ]) elemType [
                      {
                        inherit (def) file;
                        value = v;
                      }
                    ]
                  ) def.value
                ) defs
              )
            )
          );
        emptyValue = {
          value = [ ];
        };
        getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
        getSubModules = elemType.getSubModules;
        substSubModules = m: types.listOf (elemType.substSubModules m);
        functor = defaultFunctor "listOf" // {
          wrapped = elemType;
        };
        nestedTypes.elemType = elemType;
      };

    /**
      Like `listOf elemType`, but the merged list must not be empty.
    */
    nonEmptyListOf =
      elemType:
      let
        l = types.addCheck (types.listOf elemType) (x: x != [ ]);
      in
      l
      // {
        description = "non-empty ${phrase (c: c == "noun") l}";
        emptyValue = { };
        substSubModules = m: types.nonEmptyListOf (elemType.substSubModules m);
      };

    /**
      An attribute set whose values are merged key by key as `elemType`.
      Keys whose definitions all vanish (`mkIf false`) are left out, which
      makes the set of names depend on the conditions.
    */
    attrsOf = elemType: attrsWith { inherit elemType; };

    /**
      Like `attrsOf`, but the names never depend on the values: a key whose
      definitions all vanish holds `elemType`'s empty value (or throws).
    */
    lazyAttrsOf =
      elemType:
      attrsWith {
        inherit elemType;
        lazy = true;
      };

    inherit attrsWith;

    /**
      `type`, but with exactly one definition.
    */
    uniq = types.unique { message = ""; };

    /**
      Like `type`, but it may be defined only once; a second definition fails with `message`.
    */
    unique =
      { message }:
      type:
      mkOptionType {
        name = "unique";
        inherit (type) description descriptionClass check;
        merge = mergeUniqueOption {
          inherit message;
          inherit (type) merge;
        };
        emptyValue = type.emptyValue;
        getSubOptions = type.getSubOptions;
        getSubModules = type.getSubModules;
        substSubModules = m: types.unique { inherit message; } (type.substSubModules m);
        functor = defaultFunctor "unique" // {
          type = types.unique { inherit message; };
          wrapped = type;
        };
        nestedTypes.elemType = type;
      };

    /**
      `null` or an `elemType`.  All definitions null: null; none null: merged
      as `elemType`; a mix is an error.
    */
    nullOr =
      elemType:
      mkOptionType {
        name = "nullOr";
        description = "null or ${phrase (c: c == "noun" || c == "conjunction") elemType}";
        descriptionClass = "conjunction";
        check = x: x == null || elemType.check x;
        merge =
          loc: defs:
          let
            nulls = lib.lists.count (d: d.value == null) defs;
          in
          if nulls == b.length defs then
            null
          else if nulls == 0 then
            elemType.merge loc defs
          else
            b.throw "The option `${showOption loc}' is defined both null and not null, in ${showFiles (map (d: d.file) defs)}.";
        emptyValue = {
          value = null;
        };
        getSubOptions = elemType.getSubOptions;
        getSubModules = elemType.getSubModules;
        substSubModules = m: types.nullOr (elemType.substSubModules m);
        functor = defaultFunctor "nullOr" // {
          wrapped = elemType;
        };
        nestedTypes.elemType = elemType;
      };

    /**
      A function whose results are merged as `elemType`: the merged value
      applies every definition to its argument.
    */
    functionTo =
      elemType:
      mkOptionType {
        name = "functionTo";
        description = "function that evaluates to a(n) ${phrase nounOrComposite elemType}";
        descriptionClass = "composite";
        check = isFunction;
        merge =
          loc: defs: arg:
          (mergeDefinitions (loc ++ [ "<function body>" ]) elemType (
            map (d: {
              inherit (d) file;
              value = d.value arg;
            }) defs
          )).mergedValue;
        getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<function body>" ]);
        getSubModules = elemType.getSubModules;
        substSubModules = m: types.functionTo (elemType.substSubModules m);
        functor = defaultFunctor "functionTo" // {
          wrapped = elemType;
        };
        nestedTypes.elemType = elemType;
      };

    /**
      One of the given values (compared with `==`).
    */
    enum =
      values:
      mkOptionType {
        name = "enum";
        description =
          if values == [ ] then
            "impossible (empty enum)"
          else if b.length values == 1 then
            "value ${showEnumValue (b.head values)} (singular enum)"
          else
            "one of ${concatMapStringsSep ", " showEnumValue values}";
        descriptionClass = if b.length values < 2 then "noun" else "conjunction";
        check = x: b.elem x values;
        merge = mergeEqualOption;
        functor = defaultFunctor "enum" // {
          type = types.enum;
          payload = values;
          binOp = l: r: unique (l ++ r);
        };
      };

    /**
      A value of type `t1` or `t2`; definitions are merged with the first of
      the two that accepts all of them.
    */
    either =
      t1: t2:
      mkOptionType rec {
        name = "either";
        description = "${phrase (c: c == "noun" || c == "conjunction") t1} or ${
          phrase (c: c == "noun" || c == "conjunction" || c == "composite") t2
        }";
        descriptionClass = "conjunction";
        check = x: t1.check x || t2.check x;
        merge =
          loc: defs:
          let
            values = map (d: d.value) defs;
          in
          if all t1.check values then
            t1.merge loc defs
          else if all t2.check values then
            t2.merge loc defs
          else
            mergeOneOption loc defs;
        typeMerge =
          f':
          let
            m1 = t1.typeMerge (b.elemAt f'.wrapped 0).functor;
            m2 = t2.typeMerge (b.elemAt f'.wrapped 1).functor;
          in
          if name == f'.name && m1 != null && m2 != null then types.either m1 m2 else null;
        functor = defaultFunctor name // {
          wrapped = [
            t1
            t2
          ];
        };
        nestedTypes.left = t1;
        nestedTypes.right = t2;
      };

    /**
      Any one of a non-empty list of types.
    */
    oneOf =
      ts:
      if ts == [ ] then
        b.throw "types.oneOf: the list of types must not be empty"
      else
        foldl' types.either (b.head ts) (b.tail ts);

    /**
      A `finalType`, also accepting a `coercedType` value, which `coerceFunc`
      converts.
    */
    coercedTo =
      coercedType: coerceFunc: finalType:
      if coercedType.getSubModules != null then
        b.throw "types.coercedTo: the type to coerce from must not have submodules (it is ${coercedType.description})"
      else
        mkOptionType {
          name = "coercedTo";
          description = "${phrase nounOrComposite finalType} or ${phrase nounOrComposite coercedType} convertible to it";
          check = x: (coercedType.check x && finalType.check (coerceFunc x)) || finalType.check x;
          merge =
            loc: defs:
            finalType.merge loc (
              map (d: d // { value = if coercedType.check d.value then coerceFunc d.value else d.value; }) defs
            );
          emptyValue = finalType.emptyValue;
          getSubOptions = finalType.getSubOptions;
          getSubModules = finalType.getSubModules;
          substSubModules = m: types.coercedTo coercedType coerceFunc (finalType.substSubModules m);
          typeMerge = t: null;
          functor = defaultFunctor "coercedTo" // {
            wrapped = finalType;
          };
          nestedTypes.coercedType = coercedType;
          nestedTypes.finalType = finalType;
        };

    /**
      `elemType` with an extra check.
    */
    addCheck = elemType: check: elemType // { check = x: elemType.check x && check x; };

    /**
      A nested module evaluation: each definition is a module (shorthand
      attribute sets define `config` only); the value is the evaluated
      `config`.
    */
    submodule =
      modules:
      types.submoduleWith {
        shorthandOnlyDefinesConfig = true;
        modules = lib.lists.toList modules;
      };

    /**
      A submodule built from `modules`, with `specialArgs` passed to every one of them; `shorthandOnlyDefinesConfig` lets a definition without `config`/`options` stand for its `config`.
    */
    submoduleWith =
      {
        modules,
        specialArgs ? { },
        shorthandOnlyDefinesConfig ? false,
        description ? null,
        class ? null,
      }@attrs:
      let
        asModules = map (
          { value, file, ... }:
          if b.isAttrs value && shorthandOnlyDefinesConfig == true then
            {
              _file = file;
              config = value;
            }
          else
            {
              _file = file;
              imports = [ value ];
            }
        );
        base = lib.modules.evalModules {
          inherit class specialArgs;
          modules = [ { _module.args.name = lib.modules.mkOptionDefault "‹name›"; } ] ++ modules;
        };
        freeformType = base._module.freeformType;
        name = "submodule";
      in
      mkOptionType {
        inherit name;
        description =
          if description != null then
            description
          else if freeformType == null then
            name
          else
            freeformType.description;
        descriptionClass = "noun";
        check = x: b.isAttrs x || isFunction x || types.path.check x;
        merge =
          loc: defs:
          (base.extendModules {
            modules = [ { _module.args.name = last loc; } ] ++ asModules defs;
            prefix = loc;
          }).config;
        emptyValue = {
          value = { };
        };
        getSubOptions =
          prefix:
          (base.extendModules { inherit prefix; }).options
          // (if freeformType == null then { } else { _freeformOptions = freeformType.getSubOptions prefix; });
        getSubModules = modules;
        substSubModules = m: types.submoduleWith (attrs // { modules = m; });
        nestedTypes = if freeformType == null then { } else { inherit freeformType; };
        functor = defaultFunctor name // {
          type = types.submoduleWith;
          payload = {
            inherit
              modules
              class
              specialArgs
              shorthandOnlyDefinesConfig
              description
              ;
          };
          binOp = l: r: {
            modules = l.modules ++ r.modules;
            specialArgs =
              let
                both = b.intersectAttrs l.specialArgs r.specialArgs;
              in
              if both == { } then
                l.specialArgs // r.specialArgs
              else
                b.throw "A submoduleWith option is declared more than once with the same specialArgs: ${toString (b.attrNames both)}";
            shorthandOnlyDefinesConfig =
              if l.shorthandOnlyDefinesConfig == null then
                r.shorthandOnlyDefinesConfig
              else if r.shorthandOnlyDefinesConfig == null then
                l.shorthandOnlyDefinesConfig
              else if l.shorthandOnlyDefinesConfig == r.shorthandOnlyDefinesConfig then
                l.shorthandOnlyDefinesConfig
              else
                b.throw "A submoduleWith option is declared more than once with different shorthandOnlyDefinesConfig values.";
            class =
              if l.class == null then
                r.class
              else if r.class == null || l.class == r.class then
                l.class
              else
                b.throw "A submoduleWith option is declared more than once with different classes: ${l.class} and ${r.class}.";
            description = if l.description == null then r.description else l.description;
          };
        };
      };

    /**
      A module that is not evaluated here: the value is a module importing
      every definition, to be passed to another `evalModules`.
    */
    deferredModule = types.deferredModuleWith { };

    /**
      A module kept unevaluated, to be imported by another evaluation; `staticModules` are added in front of the definitions.
    */
    deferredModuleWith =
      {
        staticModules ? [ ],
      }@attrs:
      mkOptionType {
        name = "deferredModule";
        description = "module";
        descriptionClass = "noun";
        check = x: b.isAttrs x || isFunction x || types.path.check x;
        merge = loc: defs: {
          imports =
            staticModules
            ++ map (d: lib.modules.setDefaultModuleLocation "${toString d.file}, via option ${showOption loc}" d.value) defs;
        };
        getSubOptions = (types.submoduleWith { modules = staticModules; }).getSubOptions;
        getSubModules = staticModules;
        substSubModules = m: types.deferredModuleWith (attrs // { staticModules = m; });
        functor = defaultFunctor "deferredModuleWith" // {
          type = types.deferredModuleWith;
          payload = { inherit staticModules; };
          binOp = l: r: { staticModules = l.staticModules ++ r.staticModules; };
        };
      };

    /**
      An option type as a value (e.g. `_module.freeformType`); several
      definitions are combined as if they declared the same option.
    */
    optionType = mkOptionType {
      name = "optionType";
      description = "optionType";
      descriptionClass = "noun";
      check = isOptionType;
      merge =
        loc: defs:
        if b.length defs == 1 then
          (b.head defs).value
        else
          (lib.modules.fixupOptionType loc (
            lib.modules.mergeOptionDecls loc (
              map (d: {
                _file = d.file;
                options = lib.options.mkOption { type = d.value; };
              }) defs
            )
          )).type;
    };
  };
in
types
