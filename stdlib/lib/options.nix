# lib.options: declaring options (`mkOption` and friends) and the generic
# merge functions that option types are built from.  Option paths are lists of
# names; `showOption` renders them for messages.  Definitions, as the module
# system passes them around, are `{ file; value; }` records.
{ lib }:
let
  b = builtins;
  inherit (lib.lists) all any foldl' last;
  inherit (lib.strings) concatMapStrings concatStringsSep escapeNixIdentifier escapeNixString;

  # Names that stand for a family of attributes in documentation
  # (`<name>`, `*`, `<function body>`) are shown without quoting.
  isPlaceholder = part: part == "*" || b.match "<.*>" part != null;

  showOptionImpl = parts: concatStringsSep "." (map (p: if isPlaceholder p then p else escapeNixIdentifier p) parts);

  showFilesImpl = files: concatStringsSep " and " (map (f: "`${toString f}'") files);

  # A short, bounded rendering of a value for error messages.  Anything that
  # fails to evaluate while printing is shown as «error».
  showValue =
    depth: v:
    let
      t = b.typeOf v;
    in
    if t == "string" then
      escapeNixString v
    else if t == "int" || t == "float" then
      toString v
    else if t == "bool" then
      (if v then "true" else "false")
    else if t == "null" then
      "null"
    else if t == "path" then
      toString v
    else if t == "lambda" then
      "«function»"
    else if t == "list" then
      if v == [ ] then
        "[ ]"
      else if depth <= 0 then
        "[ … ]"
      else
        "[ " + concatMapStrings (x: showValue (depth - 1) x + " ") v + "]"
    else if v.type or null == "derivation" then
      "«derivation ${v.name or "?"}»"
    else if v ? _type && b.isString v._type then
      "«${v._type}»"
    else if v == { } then
      "{ }"
    else if depth <= 0 then
      "{ … }"
    else
      "{ "
      + concatMapStrings (n: "${escapeNixIdentifier n} = ${showValue (depth - 1) v.${n}}; ") (b.attrNames v)
      + "}";

  safeShow =
    v:
    let
      r = b.tryEval (
        let
          s = showValue 2 v;
        in
        b.seq s s
      );
    in
    if r.success then r.value else "«error»";

  showDefsImpl =
    defs:
    concatMapStrings (
      def:
      let
        shown = safeShow def.value;
        lines = b.filter b.isString (b.split "\n" shown);
        body =
          if b.length lines > 1 then
            ":\n" + concatMapStrings (l: "    " + l + "\n") lines
          else
            ": " + shown;
      in
      "\n- In `${toString def.file}'" + body
    ) defs;

  mergeUniqueOptionImpl =
    {
      message,
      merge ? loc: defs: (b.head defs).value,
    }:
    loc: defs:
    if b.length defs == 1 then
      merge loc defs
    else
      b.throw (
        "The option `${showOptionImpl loc}' must be defined exactly once, but it is defined ${toString (b.length defs)} times."
        + (if message == "" then "" else "\n" + message)
        + "\nDefinitions:${showDefsImpl defs}\nUse mkForce or mkOverride to keep only one of them."
      );

  mergeEqualOptionImpl =
    loc: defs:
    if defs == [ ] then
      b.throw "The option `${showOptionImpl loc}' has no definitions to merge."
    else
      let
        first = b.head defs;
      in
      (foldl' (
        acc: def:
        if def.value != acc.value then
          b.throw "The option `${showOptionImpl loc}' has conflicting definition values:${showDefsImpl [ acc def ]}"
        else
          acc
      ) first (b.tail defs)).value;
in
{
  /**
    True if the value is an option declaration (the result of `mkOption`).
  */
  isOption = x: b.isAttrs x && (x._type or null) == "option";

  /**
    Declares an option.  Every argument is optional; `type` defaults to
    `types.unspecified` when the option is evaluated.

    # Example
    ```nix
    mkOption { type = types.int; default = 4; description = "A number."; }
    ```
  */
  mkOption =
    {
      default ? null,
      defaultText ? null,
      example ? null,
      description ? null,
      relatedPackages ? null,
      type ? null,
      apply ? null,
      internal ? null,
      visible ? null,
      readOnly ? null,
    }@attrs:
    attrs // { _type = "option"; };

  /**
    A boolean option, `false` by default, for switching a feature on.

    # Example
    ```nix
    options.services.foo.enable = mkEnableOption "the foo service";
    ```
  */
  mkEnableOption =
    name:
    lib.options.mkOption {
      default = false;
      example = true;
      description = "Whether ${name} is enabled.";
      type = lib.types.bool;
    };

  /**
    An option holding a package, by default the one found at `default` (an
    attribute name or path, `name` if not given) in `pkgs`.  `nullable`
    allows `null`.

    # Example
    ```nix
    mkPackageOption pkgs "hello" { }
    ```
  */
  mkPackageOption =
    pkgs: name:
    {
      nullable ? false,
      default ? name,
      example ? null,
      extraDescription ? "",
      pkgsText ? "pkgs",
    }:
    let
      shownName = if b.isList name then last name else name;
      defaultPath = if b.isList default then default else [ default ];
      defaultText = concatStringsSep "." defaultPath;
      defaults =
        if default != null then
          {
            default = lib.attrsets.attrByPath defaultPath (b.throw "${pkgsText}.${defaultText} does not exist") pkgs;
            defaultText = lib.options.literalExpression "${pkgsText}.${defaultText}";
          }
        else if nullable then
          { default = null; }
        else
          { };
    in
    lib.options.mkOption (
      defaults
      // {
        description = "Package providing ${shownName}." + (if extraDescription == "" then "" else " " + extraDescription);
        type = if nullable then lib.types.nullOr lib.types.package else lib.types.package;
      }
      // (
        if example == null then
          { }
        else
          {
            example = lib.options.literalExpression (
              if b.isList example then "${pkgsText}." + concatStringsSep "." example else example
            );
          }
      )
    );

  /**
    Older name of `mkPackageOption`.
  */
  mkPackageOptionMD = lib.options.mkPackageOption;

  /**
    An option that accepts (and ignores) any definitions, for sinking the
    configuration of removed modules.
  */
  mkSinkUndeclaredOptions =
    attrs:
    lib.options.mkOption (
      {
        internal = true;
        visible = false;
        default = false;
        description = "Accepts any definition and ignores it.";
        type = lib.types.mkOptionType {
          name = "sink";
          check = _: true;
          merge = loc: defs: false;
        };
        apply = _: b.throw "This option is a sink for removed options and cannot be read.";
      }
      // attrs
    );

  /**
    The merge used by `types.unspecified`: one definition is kept as is;
    several are combined if they are all lists (concatenated), attribute sets
    (`//`, later ones win), Booleans (or-ed), strings (concatenated), equal
    integers, or functions (merged pointwise).
  */
  mergeDefaultOption =
    loc: defs:
    let
      values = map (d: d.value) defs;
    in
    if b.length values == 1 then
      b.head values
    else if all lib.trivial.isFunction values then
      x: lib.options.mergeDefaultOption loc (map (d: d // { value = d.value x; }) defs)
    else if all b.isList values then
      b.concatLists values
    else if all b.isAttrs values then
      foldl' (acc: v: acc // v) { } values
    else if all b.isBool values then
      any (x: x) values
    else if all b.isString values then
      b.concatStringsSep "" values
    else if all b.isInt values && all (x: x == b.head values) values then
      b.head values
    else
      b.throw "The definitions of option `${showOptionImpl loc}' cannot be merged:${showDefsImpl defs}";

  /**
    Merge that requires a single definition.
  */
  mergeOneOption = mergeUniqueOptionImpl { message = ""; };

  /**
    Merge that requires a single definition; `message` is added to the
    error, and `merge` (default: take the value) handles the single one.
  */
  mergeUniqueOption = mergeUniqueOptionImpl;

  /**
    Merge that accepts several definitions when they are all equal.
  */
  mergeEqualOption = mergeEqualOptionImpl;

  /**
    The values of a list of definitions.
  */
  getValues = map (d: d.value);

  /**
    The files of a list of definitions.
  */
  getFiles = map (d: d.file);

  /**
    Marks a string as a Nix expression, for `defaultText` and `example`.
  */
  literalExpression =
    text:
    if !b.isString text then
      b.throw "literalExpression: the argument must be a string"
    else
      {
        _type = "literalExpression";
        inherit text;
      };

  /**
    Older name of `literalExpression`.
  */
  literalExample = lib.options.literalExpression;

  /**
    Marks a string as Markdown, for `defaultText` and `example`.
  */
  literalMD =
    text:
    if !b.isString text then
      b.throw "literalMD: the argument must be a string"
    else
      {
        _type = "literalMD";
        inherit text;
      };

  /**
    Descriptions are Markdown already; kept for modules that still call it.
  */
  mdDoc = x: x;

  /**
    Replaces derivations in a value by their names, so it can be printed.
  */
  scrubOptionValue =
    x:
    if lib.attrsets.isDerivation x then
      {
        type = "derivation";
        drvPath = x.name;
        outPath = x.name;
        name = x.name;
      }
    else if b.isList x then
      map lib.options.scrubOptionValue x
    else if b.isAttrs x then
      b.mapAttrs (_: lib.options.scrubOptionValue) (removeAttrs x [ "_args" ])
    else
      x;

  /**
    A flat list describing every visible option of an `options` tree: name,
    description, type, default, declarations.  Sub-options of submodules are
    included.
  */
  optionAttrSetToDocList =
    let
      go =
        options:
        b.concatMap (
          opt:
          let
            docOption = {
              name = showOptionImpl opt.loc;
              loc = opt.loc;
              description = opt.description or null;
              declarations = b.filter (x: x != lib.options.unknownModule) opt.declarations;
              internal = opt.internal or false;
              visible = opt.visible or true;
              readOnly = opt.readOnly or false;
              type = opt.type.description or "unspecified";
            }
            // (if opt ? default then { default = opt.defaultText or opt.default; } else { })
            // (if opt ? example then { example = opt.example; } else { });
            subOptions =
              let
                ss = opt.type.getSubOptions opt.loc;
              in
              if ss != { } then go ss else [ ];
          in
          [ docOption ] ++ subOptions
        ) (lib.attrsets.collect lib.options.isOption options);
    in
    go;

  /**
    Renders an option path.

    # Example
    ```nix
    showOption [ "services" "foo bar" "<name>" "enable" ]
    => "services.\"foo bar\".<name>.enable"
    ```
  */
  showOption = showOptionImpl;

  /**
    Renders a list of files as "`a' and `b'".
  */
  showFiles = showFilesImpl;

  /**
    Renders definitions, one per line, with their files and (shortened) values.
  */
  showDefs = showDefsImpl;

  /**
    The file name given to definitions whose module has no known file.
  */
  unknownModule = "<unknown-file>";
}
