# Assertions with readable messages.
{ lib }:
let
  b = builtins;

  # A compact rendering of a value for messages (not a full pretty-printer).
  show =
    v:
    if b.isString v then
      b.toJSON v
    else if b.isList v then
      "[ ${b.concatStringsSep " " (map show v)} ]"
    else if b.isAttrs v then
      "{ ${b.concatStringsSep " " (map (n: "${lib.strings.escapeNixIdentifier n} = ${show v.${n}};") (b.attrNames v))} }"
    else if v == null then
      "null"
    else if b.isBool v then
      lib.trivial.boolToString v
    else if lib.trivial.isFunction v then
      "<function>"
    else
      toString v;

  assertMsg = pred: msg: pred || b.throw msg;
in
{
  /**
    Returns `true` if `pred` holds and throws `msg` otherwise; meant for `assert`.

    # Example
    ```nix
    assert assertMsg ("foo" == "bar") "foo is not bar"; 1
    => error: foo is not bar
    ```
  */
  inherit assertMsg;

  /**
    Asserts that `val` is one of `xs`; the message names the option `name`.

    # Example
    ```nix
    assertOneOf "mode" "fast" [ "fast" "slow" ]
    => true
    ```
  */
  assertOneOf =
    name: val: xs:
    assertMsg (b.elem val xs) "${name} must be one of ${show xs}, but is ${show val}";

  /**
    Asserts that every element of `vals` is one of `xs`.

    # Example
    ```nix
    assertEachOneOf "modes" [ "fast" ] [ "fast" "slow" ]
    => true
    ```
  */
  assertEachOneOf =
    name: vals: xs:
    assertMsg (b.all (v: b.elem v xs) vals) "each element of ${name} must be one of ${show xs}, but ${name} is ${show vals}";

  /**
    Renders a value compactly for error messages.

    # Example
    ```nix
    showValue [ "a" 1 ]
    => "[ \"a\" 1 ]"
    ```
  */
  showValue = show;
}
