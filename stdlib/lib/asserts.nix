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

  # The layout of the documented messages: a non-empty list or set spreads over lines,
  # one element per line indented by two spaces; everything else as `show` renders it.
  pretty =
    indent: v:
    let
      inner = indent + "  ";
      lines = items: b.concatStringsSep "" (map (item: "${inner}${item}\n") items);
    in
    if b.isList v && v != [ ] then
      "[\n${lines (map (pretty inner) v)}${indent}]"
    else if b.isAttrs v && v != { } then
      "{\n${lines (map (n: "${lib.strings.escapeNixIdentifier n} = ${pretty inner v.${n}};") (b.attrNames v))}${indent}}"
    else if v == [ ] then
      "[ ]"
    else if v == { } then
      "{ }"
    else
      show v;

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
    Asserts that `val` is one of `xs`; the message names the option `name`, lists `xs`
    one per line and shows `val`.

    # Example
    ```nix
    assertOneOf "mode" "fast" [ "fast" "slow" ]
    => true
    ```
  */
  assertOneOf =
    name: val: xs:
    assertMsg (b.elem val xs) "${name} must be one of ${pretty "" xs}, but is: ${pretty "" val}";

  /**
    Asserts that every element of `vals` is one of `xs`; the message names `name` and
    lists both `xs` and `vals`, one element per line.

    # Example
    ```nix
    assertEachOneOf "modes" [ "fast" ] [ "fast" "slow" ]
    => true
    ```
  */
  assertEachOneOf =
    name: vals: xs:
    assertMsg (b.all (v: b.elem v xs) vals) "each element in ${name} must be one of ${pretty "" xs}, but is: ${pretty "" vals}";

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
