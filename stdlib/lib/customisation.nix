# Overriding and package-set plumbing: makeOverridable, callPackageWith,
# extendDerivation, makeScope.  Results of these functions keep the formal
# arguments of the wrapped function visible through `lib.functionArgs`.
{ lib }:
let
  b = builtins;
  inherit (lib.trivial)
    functionArgs
    setFunctionArgs
    isFunction
    mirrorFunctionArgs
    ;
  inherit (lib.attrsets) isDerivation;

  overrideDerivation =
    drv: f:
    let
      rebuilt = b.derivation (drv.drvAttrs // f drv);
      extra =
        {
          meta = drv.meta or { };
          passthru = drv.passthru or { };
        }
        // (drv.passthru or { })
        // lib.attrsets.optionalAttrs (drv ? __spliced) {
          __spliced = b.mapAttrs (_: variant: overrideDerivation variant f) drv.__spliced;
        };
    in
    extendDerivation (b.seq (drv.meta or null) true) extra rebuilt;

  makeOverridable =
    f:
    let
      keepArgs = mirrorFunctionArgs f;
    in
    keepArgs (
      origArgs:
      let
        result = f origArgs;
        merged = newArgs: origArgs // (if isFunction newArgs then newArgs origArgs else newArgs);
        override = keepArgs (newArgs: makeOverridable f (merged newArgs));
        # Re-run `f` under a post-processing step, so a later `.override` keeps it.
        mapResult = g: makeOverridable (keepArgs (args: g (f args))) origArgs;
      in
      if b.isAttrs result then
        result
        // {
          inherit override;
          overrideDerivation = fdrv: mapResult (x: overrideDerivation x fdrv);
          ${if result ? overrideAttrs then "overrideAttrs" else null} =
            fattrs: mapResult (x: x.overrideAttrs fattrs);
        }
      else if isFunction result then
        setFunctionArgs result (functionArgs result) // { inherit override; }
      else
        result
    );

  extendDerivation =
    condition: passthru: drv:
    let
      outputs = drv.outputs or [ "out" ];
      common =
        drv
        // b.listToAttrs outputAttrs
        // {
          all = map (x: x.value) outputAttrs;
        }
        // passthru;
      outputAttrs = map (name: {
        inherit name;
        value =
          common
          // {
            inherit (drv.${name}) type outputName;
            outputSpecified = true;
            drvPath =
              assert condition;
              drv.${name}.drvPath;
            outPath =
              assert condition;
              drv.${name}.outPath;
          }
          // lib.attrsets.optionalAttrs (passthru ? overrideAttrs) {
            overrideAttrs = g: (passthru.overrideAttrs g).${name};
          };
      }) outputs;
    in
    common
    // {
      drvPath =
        assert condition;
        drv.drvPath;
      outPath =
        assert condition;
        drv.outPath;
    };

  callPackageWith =
    autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      fargs = functionArgs f;
      allArgs = b.intersectAttrs fargs autoArgs // args;
      missing = b.filter (name: !fargs.${name}) (b.attrNames (removeAttrs fargs (b.attrNames allArgs)));
    in
    if missing == [ ] then
      makeOverridable f allArgs
    else
      b.throw (missingArgMessage fn fargs (autoArgs // args) (b.head missing));

  missingArgMessage =
    fn: fargs: available: arg:
    let
      pos = b.unsafeGetAttrPos arg fargs;
      where =
        if pos != null then
          "${pos.file}:${toString pos.line}"
        else if !(isFunction fn) then
          toString fn
        else
          "an unknown location";
      close = lib.lists.take 3 (
        lib.lists.sortOn (lib.strings.levenshtein arg) (
          b.filter (lib.strings.levenshteinAtMost 2 arg) (b.attrNames available)
        )
      );
      hint =
        if close == [ ] then
          ""
        else
          "; close names that are available: ${b.concatStringsSep ", " (map b.toJSON close)}";
    in
    "callPackageWith: the function at ${where} requires the argument ${b.toJSON arg}, which was neither passed explicitly nor found in the package set${hint}";

  makeScope =
    newScope: f:
    let
      self = f self // {
        newScope = scope: newScope (self // scope);
        callPackage = self.newScope { };
        overrideScope = g: makeScope newScope (lib.fixedPoints.extends g f);
        packages = f;
      };
    in
    self;
in
{
  /**
    Rebuilds a plain derivation from its `drvAttrs` updated with `f drv`.
    Prefer `overrideAttrs` for `mkDerivation` packages.

    # Example
    ```nix
    overrideDerivation pkgs.hello (old: { doCheck = false; })
    ```
  */
  inherit overrideDerivation;

  /**
    Calls `f origArgs` and, if the result is an attribute set, adds `override`
    (re-call with changed arguments: a set or `old: set`), `overrideDerivation`, and
    `overrideAttrs` (when the result has one) such that later overrides keep earlier ones.
    A function result only gets `override`.

    # Example
    ```nix
    ((makeOverridable ({ a, b }: { sum = a + b; }) { a = 1; b = 2; }).override { b = 10; }).sum
    => 11
    ```
  */
  inherit makeOverridable;

  /**
    Calls `fn` (a function or a file to import) with the arguments it asks for taken
    from `autoArgs`, overridden by `args`, and makes the result overridable. A required
    argument found in neither throws an error naming it and suggesting close names.

    # Example
    ```nix
    callPackageWith { a = 1; b = 2; } ({ a, c ? 3 }: a + c) { }
    => 4
    ```
  */
  inherit callPackageWith;

  /**
    Like `callPackageWith` for a function returning a set of packages; each one is
    made overridable on its own.

    # Example
    ```nix
    (callPackagesWith { a = 1; } ({ a }: { x = { v = a; }; }) { }).x.v
    => 1
    ```
  */
  callPackagesWith =
    autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      keepArgs = mirrorFunctionArgs f;
      origArgs = b.intersectAttrs (functionArgs f) autoArgs // args;
      pkgs = f origArgs;
      one = name: _: makeOverridable (keepArgs (newArgs: (f newArgs).${name})) origArgs;
    in
    if isDerivation pkgs then
      b.throw "callPackagesWith: the function returned a single derivation; use callPackage for it"
    else
      b.mapAttrs one pkgs;

  /**
    Adds `passthru` attributes to a derivation (and to each of its outputs); reading
    `drvPath` or `outPath` first asserts `condition`.

    # Example
    ```nix
    (extendDerivation true { foo = 1; } drv).foo
    => 1
    ```
  */
  inherit extendDerivation;

  /**
    A package scope: the fixed point of `f` plus `newScope`, `callPackage`
    (which sees the scope's own packages), `overrideScope` (takes an overlay) and
    `packages` (= `f`).

    # Example
    ```nix
    (makeScope (extra: lib.callPackageWith extra) (self: { a = 1; b = self.callPackage ({ a }: a + 1) { }; })).b
    => 2
    ```
  */
  inherit makeScope;
}
