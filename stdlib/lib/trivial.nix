# Small general-purpose helpers: combinators, booleans, bits, numbers,
# warnings and function-argument reflection.  Only builtins are used here so
# that every other sub-library may depend on this one.
{ lib }:
let
  b = builtins;

  # Local copies so this file does not force `lib` for its basics.
  isFunctionImpl = f: b.isFunction f || (b.isAttrs f && f ? __functor && isFunctionImpl (f.__functor f));

  functionArgsImpl =
    f:
    if b.isAttrs f && f ? __functor then
      f.__functionArgs or (functionArgsImpl (f.__functor f))
    else
      b.functionArgs f;

  warnImpl =
    b.warn or (
      msg: value:
      if b.elem (b.getEnv "NIX_ABORT_ON_WARN") [ "1" "true" "yes" ] then
        b.abort "NIX_ABORT_ON_WARN is set; aborting on warning: ${msg}"
      else
        b.trace "evaluation warning: ${msg}" value
    );

  releaseNumber = "26.11";
  suffix = "pre-tern";
in
{
  /**
    The identity function: returns its argument unchanged.

    # Example
    ```nix
    id 3
    => 3
    ```
  */
  id = x: x;

  /**
    Returns a function that ignores its argument and always yields `x`.

    # Example
    ```nix
    const 1 "ignored"
    => 1
    ```
  */
  const = x: _: x;

  /**
    Feeds `value` through each function of the list in turn, left to right.

    # Example
    ```nix
    pipe 2 [ (x: x + 1) (x: x * 10) ]
    => 30
    ```
  */
  pipe = value: fns: b.foldl' (acc: f: f acc) value fns;

  /**
    Concatenates two lists (the `++` operator as a function).

    # Example
    ```nix
    concat [ 1 ] [ 2 3 ]
    => [ 1 2 3 ]
    ```
  */
  concat = x: y: x ++ y;

  /**
    Boolean "or" as a function.

    # Example
    ```nix
    or false true
    => true
    ```
  */
  or = x: y: x || y;

  /**
    Boolean "and" as a function.

    # Example
    ```nix
    and true false
    => false
    ```
  */
  and = x: y: x && y;

  /**
    Boolean exclusive or.

    # Example
    ```nix
    xor true true
    => false
    ```
  */
  xor = x: y: (!x) != (!y);

  /**
    Bitwise AND of two integers.

    # Example
    ```nix
    bitAnd 12 10
    => 8
    ```
  */
  bitAnd = b.bitAnd;

  /**
    Bitwise OR of two integers.

    # Example
    ```nix
    bitOr 12 10
    => 14
    ```
  */
  bitOr = b.bitOr;

  /**
    Bitwise XOR of two integers.

    # Example
    ```nix
    bitXor 12 10
    => 6
    ```
  */
  bitXor = b.bitXor;

  /**
    Bitwise complement of an integer (two's complement).

    # Example
    ```nix
    bitNot 0
    => -1
    ```
  */
  bitNot = b.sub (-1);

  /**
    Renders a boolean as `"true"` or `"false"`.

    # Example
    ```nix
    boolToString true
    => "true"
    ```
  */
  boolToString = x: if x then "true" else "false";

  /**
    Renders a boolean as `"yes"` or `"no"`.

    # Example
    ```nix
    boolToYesNo false
    => "no"
    ```
  */
  boolToYesNo = x: if x then "yes" else "no";

  /**
    Shallow merge of two attribute sets; the second one wins on conflicts.

    # Example
    ```nix
    mergeAttrs { a = 1; b = 1; } { b = 2; }
    => { a = 1; b = 2; }
    ```
  */
  mergeAttrs = x: y: x // y;

  /**
    Swaps the first two arguments of a function.

    # Example
    ```nix
    flip builtins.sub 1 10
    => 9
    ```
  */
  flip = f: a: c: f c a;

  /**
    Returns `maybeValue` unless it is `null`, in which case `default`.

    # Example
    ```nix
    defaultTo 5 null
    => 5
    ```
  */
  defaultTo = default: maybeValue: if maybeValue != null then maybeValue else default;

  /**
    Applies `f` to `a` unless `a` is `null`.

    # Example
    ```nix
    mapNullable (x: x + 1) null
    => null
    ```
  */
  mapNullable = f: a: if a == null then a else f a;

  /**
    The release this library claims to be compatible with, such as `"26.11"`.
  */
  release = releaseNumber;

  /**
    The code name of the release.
  */
  codeName = "Zokor";

  /**
    The suffix appended to `release` to form `version`.
  */
  versionSuffix = suffix;

  /**
    The full version string: `release` followed by `versionSuffix`.
  */
  version = releaseNumber + suffix;

  /**
    The oldest release number (as `YYMM` integer) this library stays compatible with.
  */
  oldestSupportedRelease = 2505;

  /**
    True when `release` is at least the given `YYMM` integer release.

    # Example
    ```nix
    isInOldestRelease 2505
    => true
    ```
  */
  isInOldestRelease = yymm: yymm <= 2505;

  /**
    Returns `default`; stands in for the git revision, which this library does not track.
  */
  revisionWithDefault = default: default;

  /**
    True when evaluated inside `nix-shell` (the `IN_NIX_SHELL` variable is set).
  */
  inNixShell = b.getEnv "IN_NIX_SHELL" != "";

  /**
    True when the evaluator runs in pure mode (no `currentSystem`).
  */
  inPureEvalMode = !(b ? currentSystem);

  /**
    The smaller of two comparable values.

    # Example
    ```nix
    min 3 2
    => 2
    ```
  */
  min = x: y: if x < y then x else y;

  /**
    The larger of two comparable values.

    # Example
    ```nix
    max 3 2
    => 3
    ```
  */
  max = x: y: if x > y then x else y;

  /**
    Integer remainder with the sign of the dividend (like C's `%`).

    # Example
    ```nix
    mod 11 10
    => 1
    mod (-11) 10
    => -1
    ```
  */
  mod = base: int: base - (int * (b.div base int));

  /**
    Three-way comparison: -1 if `a < b`, 1 if `a > b`, otherwise 0.

    # Example
    ```nix
    compare "a" "b"
    => -1
    ```
  */
  compare = x: y: if x < y then -1 else if x > y then 1 else 0;

  /**
    Builds a comparator: values satisfying `p` sort first and are compared with
    `yes`; the others are compared with `no`.

    # Example
    ```nix
    splitByAndCompare (lib.hasPrefix "fs") compare compare "fsa" "b"
    => -1
    ```
  */
  splitByAndCompare =
    p: yes: no: x: y:
    if p x then
      (if p y then yes x y else -1)
    else if p y then
      1
    else
      no x y;

  /**
    Reads a JSON file and parses it.

    # Example
    ```nix
    importJSON ./data.json
    => { ... }
    ```
  */
  importJSON = path: b.fromJSON (b.readFile path);

  /**
    Reads a TOML file and parses it.

    # Example
    ```nix
    importTOML ./Cargo.toml
    => { package = { ... }; }
    ```
  */
  importTOML = path: b.fromTOML (b.readFile path);

  /**
    Prints a warning message and returns the second argument.
    Aborts instead when `NIX_ABORT_ON_WARN` is set (on evaluators without `builtins.warn`).

    # Example
    ```nix
    warn "deprecated" 1
    => 1
    ```
  */
  warn = warnImpl;

  /**
    `warn msg` when the condition holds, identity otherwise.

    # Example
    ```nix
    warnIf false "never shown" 1
    => 1
    ```
  */
  warnIf = cond: msg: if cond then warnImpl msg else x: x;

  /**
    `warn msg` when the condition does not hold, identity otherwise.

    # Example
    ```nix
    warnIfNot true "never shown" 1
    => 1
    ```
  */
  warnIfNot = cond: msg: if cond then x: x else warnImpl msg;

  /**
    Throws `msg` when the condition holds; otherwise returns the identity function.

    # Example
    ```nix
    throwIf false "boom" 1
    => 1
    ```
  */
  throwIf = cond: msg: if cond then b.throw msg else x: x;

  /**
    Throws `msg` unless the condition holds; otherwise returns the identity function.

    # Example
    ```nix
    throwIfNot true "boom" 1
    => 1
    ```
  */
  throwIfNot = cond: msg: if cond then x: x else b.throw msg;

  /**
    Checks that every element of `given` is in `valid`; throws naming the unexpected ones.

    # Example
    ```nix
    checkListOfEnum "colour" [ "red" "blue" ] [ "red" ] 1
    => 1
    ```
  */
  checkListOfEnum =
    msg: valid: given:
    let
      bad = b.filter (x: !(b.elem x valid)) given;
    in
    if bad == [ ] then
      x: x
    else
      b.throw "${msg}: not allowed: ${b.concatStringsSep ", " (map b.toJSON bad)} (allowed: ${b.concatStringsSep ", " (map b.toJSON valid)})";

  /**
    Prints an informational trace message and returns the second argument.

    # Example
    ```nix
    info "hello" 1
    => 1
    ```
  */
  info = msg: b.trace "INFO: ${msg}";

  /**
    Emits each warning of the list (in order) and then returns `result`.

    # Example
    ```nix
    showWarnings [ ] 1
    => 1
    ```
  */
  showWarnings = warnings: result: lib.lists.foldr (w: acc: warnImpl w acc) result warnings;

  /**
    Forces the first argument to weak head normal form, then returns the second.
  */
  seq = b.seq;

  /**
    Forces the first argument completely, then returns the second.
  */
  deepSeq = b.deepSeq;

  /**
    True if version `v1` is older than `v2`; the same function as `lib.strings.versionOlder`.

    # Example
    ```nix
    versionOlder "1.1" "1.2"
    => true
    ```
  */
  versionOlder = v1: v2: b.compareVersions v2 v1 == 1;

  /**
    True if version `v1` is `v2` or newer; the same function as `lib.strings.versionAtLeast`.

    # Example
    ```nix
    versionAtLeast "1.1" "1.0"
    => true
    ```
  */
  versionAtLeast = v1: v2: b.compareVersions v2 v1 != 1;

  /**
    The formal arguments of a function, as `builtins.functionArgs` reports them.
    Functor sets report their `__functionArgs` (or those of the wrapped function).

    # Example
    ```nix
    functionArgs ({ a, b ? 1 }: a)
    => { a = false; b = true; }
    ```
  */
  functionArgs = functionArgsImpl;

  /**
    Wraps `f` in a functor set that reports `args` as its formal arguments.

    # Example
    ```nix
    functionArgs (setFunctionArgs (x: x) { a = false; })
    => { a = false; }
    ```
  */
  setFunctionArgs = f: args: {
    __functor = _: f;
    __functionArgs = args;
  };

  /**
    True for lambdas, primops and functor sets.

    # Example
    ```nix
    isFunction { __functor = self: x: x; }
    => true
    ```
  */
  isFunction = isFunctionImpl;

  /**
    `mirrorFunctionArgs f g` is `g` reporting the formal arguments of `f`.

    # Example
    ```nix
    functionArgs (mirrorFunctionArgs ({ a }: a) (x: x))
    => { a = false; }
    ```
  */
  mirrorFunctionArgs =
    f:
    let
      fArgs = functionArgsImpl f;
    in
    g: {
      __functor = _: g;
      __functionArgs = fArgs;
    };

  /**
    Turns a non-function value into a constant function; functions pass through.

    # Example
    ```nix
    toFunction 5 "anything"
    => 5
    ```
  */
  toFunction = v: if isFunctionImpl v then v else _: v;

  /**
    Converts a non-negative integer to its digits in the given base (most significant first).

    # Example
    ```nix
    toBaseDigits 2 6
    => [ 1 1 0 ]
    ```
  */
  toBaseDigits =
    base: n:
    assert b.isInt base && base >= 2;
    assert b.isInt n && n >= 0;
    let
      go = acc: k: if k < base then [ k ] ++ acc else go ([ (k - base * (b.div k base)) ] ++ acc) (b.div k base);
    in
    go [ ] n;

  /**
    Upper-case hexadecimal rendering of a non-negative integer.

    # Example
    ```nix
    toHexString 250
    => "FA"
    ```
  */
  toHexString =
    n:
    let
      digits = lib.trivial.toBaseDigits 16 n;
      hex = [ "0" "1" "2" "3" "4" "5" "6" "7" "8" "9" "A" "B" "C" "D" "E" "F" ];
    in
    b.concatStringsSep "" (map (d: b.elemAt hex d) digits);

  /**
    Parses a hexadecimal string (either case, no prefix) into an integer.

    # Example
    ```nix
    fromHexString "ff"
    => 255
    ```
  */
  fromHexString =
    s:
    let
      m = b.match "[0-9a-fA-F]+" s;
      value = c: {
        "0" = 0; "1" = 1; "2" = 2; "3" = 3; "4" = 4; "5" = 5; "6" = 6; "7" = 7; "8" = 8; "9" = 9;
        a = 10; b = 11; c = 12; d = 13; e = 14; f = 15;
        A = 10; B = 11; C = 12; D = 13; E = 14; F = 15;
      }.${c};
      chars = b.genList (i: b.substring i 1 s) (b.stringLength s);
    in
    if m == null then b.throw "fromHexString: not a hexadecimal string: ${b.toJSON s}"
    else b.foldl' (acc: c: acc * 16 + value c) 0 chars;
}
