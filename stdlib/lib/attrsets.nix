# Attribute-set functions.  Prefer builtins (`mapAttrs`, `removeAttrs`,
# `intersectAttrs`, `listToAttrs`, `zipAttrsWith`, `catAttrs`) so that values
# stay lazy and nothing is rebuilt element by element.
{ lib }:
let
  b = builtins;
  inherit (b) attrNames isAttrs length elemAt head listToAttrs;

  nameValuePair = name: value: { inherit name value; };

  zipAttrsWithNames =
    names: f: sets:
    listToAttrs (map (name: nameValuePair name (f name (b.catAttrs name sets))) names);

  zipAttrsWith =
    b.zipAttrsWith or (f: sets: zipAttrsWithNames (lib.lists.unique (b.concatMap attrNames sets)) f sets);

  lastOf = _: vs: elemAt vs (length vs - 1);

  attrByPath =
    attrPath: default: set:
    let
      n = length attrPath;
      go =
        i: s:
        if i == n then
          s
        else
          let
            k = elemAt attrPath i;
          in
          if isAttrs s && s ? ${k} then go (i + 1) s.${k} else default;
    in
    go 0 set;

  filterAttrs = pred: set: removeAttrs set (b.filter (name: !(pred name set.${name})) (attrNames set));

  recursiveUpdateUntil =
    pred: lhs: rhs:
    let
      merge =
        path:
        zipAttrsWith (
          name: values:
          let
            here = path ++ [ name ];
          in
          if length values == 1 || pred here (elemAt values 1) (head values) then
            head values
          else
            merge here values
        );
    in
    merge [ ] [ rhs lhs ];

  matchAttrs =
    pattern: attrs:
    assert isAttrs pattern;
    b.all (
      name:
      let
        pat = pattern.${name};
      in
      attrs ? ${name}
      && (
        let
          val = attrs.${name};
        in
        if isAttrs pat then isAttrs val && matchAttrs pat val else pat == val
      )
    ) (attrNames pattern);

  mapAttrsRecursiveCond =
    cond: f: set:
    let
      go =
        path:
        b.mapAttrs (
          name: value:
          if isAttrs value && cond value then go (path ++ [ name ]) value else f (path ++ [ name ]) value
        );
    in
    go [ ] set;

  getOutput =
    output: pkg: if !(pkg.outputSpecified or false) then pkg.${output} or pkg.out or pkg else pkg;

  getFirstOutput =
    candidates: pkg:
    let
      present = b.filter (name: b.hasAttr name pkg) candidates;
    in
    if pkg.outputSpecified or false || present == [ ] then pkg else pkg.${head present};

  cartesianProduct =
    attrsOfLists:
    b.foldl' (
      acc: name: b.concatMap (partial: map (v: partial // { ${name} = v; }) attrsOfLists.${name}) acc
    ) [ { } ] (attrNames attrsOfLists);

  collect =
    pred: attrs:
    if pred attrs then
      [ attrs ]
    else if isAttrs attrs then
      b.concatMap (collect pred) (b.attrValues attrs)
    else
      [ ];

  updateManyAttrsByPath =
    updates: set:
    let
      # `present` tells whether `value` exists; missing values start as `{ }`
      # for deeper updates and as a throwing thunk for updates at this node.
      apply =
        depth: present: value: pathSoFar: ups:
        let
          split = b.partition (u: length u.path == depth) ups;
          deeper = split.wrong;
          here = split.right;
          base =
            if !present then
              { }
            else if isAttrs value then
              value
            else
              b.throw "updateManyAttrsByPath: cannot update below ${lib.attrsets.showAttrPath pathSoFar}: it is not an attribute set";
          children = b.mapAttrs (
            name: us:
            apply (depth + 1) (base ? ${name}) (base.${name} or null) (pathSoFar ++ [ name ]) us
          ) (b.groupBy (u: elemAt u.path depth) deeper);
          start =
            if deeper != [ ] then
              base // children
            else if present then
              value
            else
              b.throw "updateManyAttrsByPath: attribute ${lib.attrsets.showAttrPath pathSoFar} does not exist";
        in
        lib.lists.foldl (acc: u: u.update acc) start here;
    in
    apply 0 true set [ ] updates;
in
{
  /**
    The builtins of the same names, re-exported unchanged (see the Nix manual's list of
    built-in functions).
  */
  inherit (b)
    attrNames
    attrValues
    catAttrs
    getAttr
    hasAttr
    intersectAttrs
    isAttrs
    listToAttrs
    mapAttrs
    removeAttrs
    ;

  /**
    The value at `attrPath` inside `set`, or `default` if any step is missing.

    # Example
    ```nix
    attrByPath [ "a" "b" ] 0 { a.b = 1; }
    => 1
    ```
  */
  inherit attrByPath;

  /**
    True if `attrPath` exists inside `e` (the empty path always exists).

    # Example
    ```nix
    hasAttrByPath [ "a" "c" ] { a.b = 1; }
    => false
    ```
  */
  hasAttrByPath =
    attrPath: e:
    let
      n = length attrPath;
      go =
        i: s:
        i == n
        || (
          let
            k = elemAt attrPath i;
          in
          isAttrs s && s ? ${k} && go (i + 1) s.${k}
        );
    in
    go 0 e;

  /**
    A nested attribute set holding `value` at `attrPath`.

    # Example
    ```nix
    setAttrByPath [ "a" "b" ] 3
    => { a = { b = 3; }; }
    ```
  */
  setAttrByPath = attrPath: value: lib.lists.foldr (name: v: { ${name} = v; }) value attrPath;

  /**
    The value at `attrPath`; throws naming the path if it does not exist.

    # Example
    ```nix
    getAttrFromPath [ "a" "b" ] { a.b = 1; }
    => 1
    ```
  */
  getAttrFromPath =
    attrPath: set:
    attrByPath attrPath (b.throw "getAttrFromPath: attribute path ${lib.attrsets.showAttrPath attrPath} not found") set;

  /**
    Applies a list of `{ path; update; }` updates. Deeper paths are updated before
    shallower ones, updates of one path run in list order, and missing paths are created.

    # Example
    ```nix
    updateManyAttrsByPath [ { path = [ "a" ]; update = old: old + 1; } ] { a = 1; }
    => { a = 2; }
    ```
  */
  inherit updateManyAttrsByPath;

  /**
    The values of the named attributes, in the order of `nameList`.

    # Example
    ```nix
    attrVals [ "b" "a" ] { a = 1; b = 2; }
    => [ 2 1 ]
    ```
  */
  attrVals = nameList: set: map (x: set.${x}) nameList;

  /**
    The sub-set of `attrs` with the given names (all of which must exist).

    # Example
    ```nix
    getAttrs [ "a" ] { a = 1; b = 2; }
    => { a = 1; }
    ```
  */
  getAttrs = names: attrs: listToAttrs (map (n: nameValuePair n attrs.${n}) names);

  /**
    Keeps the attributes for which `pred name value` holds.

    # Example
    ```nix
    filterAttrs (n: v: v > 1) { a = 1; b = 2; }
    => { b = 2; }
    ```
  */
  inherit filterAttrs;

  /**
    Like `filterAttrs`, recursing into nested attribute sets that are kept.

    # Example
    ```nix
    filterAttrsRecursive (n: v: v != null) { a.b = null; c = 1; }
    => { a = { }; c = 1; }
    ```
  */
  filterAttrsRecursive =
    pred: set:
    b.mapAttrs (_: v: if isAttrs v then lib.attrsets.filterAttrsRecursive pred v else v) (
      filterAttrs pred set
    );

  /**
    Strict left fold over the attributes in name order: `f acc name value`.

    # Example
    ```nix
    foldlAttrs (acc: n: v: acc + v) 0 { a = 1; b = 2; }
    => 3
    ```
  */
  foldlAttrs = f: init: set: b.foldl' (acc: name: f acc name set.${name}) init (attrNames set);

  /**
    Folds the values of each name over a list of attribute sets, right to left.

    # Example
    ```nix
    foldAttrs (item: acc: [ item ] ++ acc) [ ] [ { a = 2; } { a = 3; } ]
    => { a = [ 2 3 ]; }
    ```
  */
  foldAttrs = op: nul: list: zipAttrsWith (_: values: lib.lists.foldr op nul values) list;

  /**
    Recursively collects the values (attribute sets included) satisfying `pred`.

    # Example
    ```nix
    collect builtins.isList { a.b = [ 1 ]; c = [ 2 ]; }
    => [ [ 1 ] [ 2 ] ]
    ```
  */
  inherit collect;

  /**
    Every combination of one value per attribute, as a list of attribute sets.

    # Example
    ```nix
    cartesianProduct { a = [ 1 2 ]; b = [ 10 ]; }
    => [ { a = 1; b = 10; } { a = 2; b = 10; } ]
    ```
  */
  inherit cartesianProduct;

  /**
    Deprecated name of `cartesianProduct`.
  */
  cartesianProductOfSets = cartesianProduct;

  /**
    `map f (cartesianProduct attrsOfLists)`.

    # Example
    ```nix
    mapCartesianProduct ({ a, b }: a + b) { a = [ 1 2 ]; b = [ 10 ]; }
    => [ 11 12 ]
    ```
  */
  mapCartesianProduct = f: attrsOfLists: map f (cartesianProduct attrsOfLists);

  /**
    Builds the `{ name; value; }` pair `listToAttrs` expects.

    # Example
    ```nix
    nameValuePair "a" 1
    => { name = "a"; value = 1; }
    ```
  */
  inherit nameValuePair;

  /**
    Maps each attribute to a new `{ name; value; }` pair.

    # Example
    ```nix
    mapAttrs' (n: v: nameValuePair "x_${n}" v) { a = 1; }
    => { x_a = 1; }
    ```
  */
  mapAttrs' = f: set: listToAttrs (map (name: f name set.${name}) (attrNames set));

  /**
    Maps each attribute to a list element, in name order.

    # Example
    ```nix
    mapAttrsToList (n: v: n + v) { a = "x"; b = "y"; }
    => [ "ax" "by" ]
    ```
  */
  mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);

  /**
    Deprecated alias of `mapAttrsToList`.
  */
  mapAttrsFlatten = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);

  /**
    The attributes as a list of `{ name; value; }` pairs, in name order.

    # Example
    ```nix
    attrsToList { a = 1; }
    => [ { name = "a"; value = 1; } ]
    ```
  */
  attrsToList = attrs: map (name: nameValuePair name attrs.${name}) (attrNames attrs);

  /**
    Maps each attribute to an attribute set and merges the results (later names win).

    # Example
    ```nix
    concatMapAttrs (n: v: { ${n} = v; "${n}2" = v * 2; }) { a = 1; }
    => { a = 1; a2 = 2; }
    ```
  */
  concatMapAttrs = f: v: zipAttrsWith lastOf (b.attrValues (b.mapAttrs f v));

  /**
    Merges a list of attribute sets; later sets win.

    # Example
    ```nix
    mergeAttrsList [ { a = 1; } { a = 2; b = 3; } ]
    => { a = 2; b = 3; }
    ```
  */
  mergeAttrsList = list: zipAttrsWith lastOf list;

  /**
    Applies `f path value` to every leaf (non-attribute-set value), recursively.

    # Example
    ```nix
    mapAttrsRecursive (path: v: v + 1) { a.b = 1; }
    => { a = { b = 2; }; }
    ```
  */
  mapAttrsRecursive = mapAttrsRecursiveCond (_: true);

  /**
    Like `mapAttrsRecursive`, but only recurses into sets for which `cond` holds.

    # Example
    ```nix
    mapAttrsRecursiveCond (s: !(s ? stop)) (p: v: 0) { a = { stop = 1; }; b.c = 1; }
    => { a = 0; b = { c = 0; }; }
    ```
  */
  inherit mapAttrsRecursiveCond;

  /**
    An attribute set with the given names and values `f name`.

    # Example
    ```nix
    genAttrs [ "a" "b" ] (n: "x_" + n)
    => { a = "x_a"; b = "x_b"; }
    ```
  */
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);

  /**
    An attribute set from the `{ name; value; }` pairs `f` makes from each element.

    # Example
    ```nix
    genAttrs' [ "a" ] (x: nameValuePair "x_${x}" x)
    => { x_a = "a"; }
    ```
  */
  genAttrs' = xs: f: listToAttrs (map f xs);

  /**
    True for attribute sets whose `type` is `"derivation"`.

    # Example
    ```nix
    isDerivation { type = "derivation"; }
    => true
    ```
  */
  isDerivation = value: value.type or null == "derivation";

  /**
    `as` if `cond` holds, `{ }` otherwise.

    # Example
    ```nix
    optionalAttrs true { a = 1; }
    => { a = 1; }
    ```
  */
  optionalAttrs = cond: as: if cond then as else { };

  /**
    For each name, `f name values` where `values` lists that attribute of every set.

    # Example
    ```nix
    zipAttrsWithNames [ "a" ] (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ]
    => { a = [ 1 2 ]; }
    ```
  */
  inherit zipAttrsWithNames;

  /**
    Like `zipAttrsWithNames` over every name occurring in any set.

    # Example
    ```nix
    zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ]
    => { a = [ 1 2 ]; b = [ 3 ]; }
    ```
  */
  inherit zipAttrsWith;

  /**
    Collects the values of each name into a list.

    # Example
    ```nix
    zipAttrs [ { a = 1; } { a = 2; } ]
    => { a = [ 1 2 ]; }
    ```
  */
  zipAttrs = zipAttrsWith (_: values: values);

  /**
    Recursive merge that stops descending where `pred path lhs rhs` holds (then `rhs` wins).

    # Example
    ```nix
    recursiveUpdateUntil (path: l: r: path == [ "a" ]) { a.x = 1; b.x = 1; } { a.y = 2; b.y = 2; }
    => { a = { y = 2; }; b = { x = 1; y = 2; }; }
    ```
  */
  inherit recursiveUpdateUntil;

  /**
    Recursive merge of two attribute sets; on non-set conflicts the right side wins.

    # Example
    ```nix
    recursiveUpdate { a.x = 1; b = 1; } { a.y = 2; b = 2; }
    => { a = { x = 1; y = 2; }; b = 2; }
    ```
  */
  recursiveUpdate = recursiveUpdateUntil (path: lhs: rhs: !(isAttrs lhs && isAttrs rhs));

  /**
    True if every attribute of `pattern` is in `attrs` with an equal value;
    nested sets in the pattern are matched recursively.

    # Example
    ```nix
    matchAttrs { cpu.bits = 64; } { cpu = { bits = 64; name = "x"; }; }
    => true
    ```
  */
  inherit matchAttrs;

  /**
    `old` with those attributes replaced that also exist in `new`.

    # Example
    ```nix
    overrideExisting { a = 1; } { a = 2; b = 3; }
    => { a = 2; }
    ```
  */
  overrideExisting = old: new: old // b.intersectAttrs old new;

  /**
    Renders an attribute path for messages, quoting components that need it.

    # Example
    ```nix
    showAttrPath [ "a" "b c" ]
    => "a.\"b c\""
    ```
  */
  showAttrPath =
    path:
    if path == [ ] then
      "<root attribute path>"
    else
      b.concatStringsSep "." (map lib.strings.escapeNixIdentifier path);

  /**
    The named output of a derivation, falling back to `out` and then to the package itself.
    A package whose output was selected explicitly (`outputSpecified`) is returned as is.

    # Example
    ```nix
    getOutput "dev" pkgs.zlib
    => pkgs.zlib.dev
    ```
  */
  inherit getOutput;

  /**
    The first of the candidate outputs the package has, or the package itself.

    # Example
    ```nix
    getFirstOutput [ "include" "dev" ] pkgs.zlib
    => pkgs.zlib.dev
    ```
  */
  inherit getFirstOutput;

  /**
    The `bin` output (or `out`).
  */
  getBin = getOutput "bin";

  /**
    The `lib` output (or `out`).
  */
  getLib = getOutput "lib";

  /**
    The `static` output, else `lib`, else `out`.
  */
  getStatic = getFirstOutput [ "static" "lib" "out" ];

  /**
    The `dev` output (or `out`).
  */
  getDev = getOutput "dev";

  /**
    The `include` output, else `dev`, else `out`.
  */
  getInclude = getFirstOutput [ "include" "dev" "out" ];

  /**
    The `man` output (or `out`).
  */
  getMan = getOutput "man";

  /**
    Maps `getDev` over a list of packages.
  */
  chooseDevOutputs = map (getOutput "dev");

  /**
    Marks a set so that `nix-env`/Hydra descend into it.

    # Example
    ```nix
    recurseIntoAttrs { a = 1; }
    => { a = 1; recurseForDerivations = true; }
    ```
  */
  recurseIntoAttrs = attrs: attrs // { recurseForDerivations = true; };

  /**
    Marks a set so that `nix-env`/Hydra do not descend into it.
  */
  dontRecurseIntoAttrs = attrs: attrs // { recurseForDerivations = false; };

  /**
    Union of two sets expected to share no names; reading a shared name throws.

    # Example
    ```nix
    unionOfDisjoint { a = 1; } { b = 2; }
    => { a = 1; b = 2; }
    ```
  */
  unionOfDisjoint =
    x: y:
    let
      shared = b.intersectAttrs x y;
      all = b.concatStringsSep ", " (attrNames shared);
    in
    x
    // y
    // b.mapAttrs (name: _: b.throw "unionOfDisjoint: attribute '${name}' is defined on both sides (all shared names: ${all})") shared;
}
