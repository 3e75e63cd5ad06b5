# Tracing helpers and the `runTests` driver used by the stdlib's own tests.
{ lib }:
let
  b = builtins;
  traceValFn = f: x: b.trace (f x) x;
in
{
  /**
    The builtins of the same names, re-exported unchanged (see the Nix manual's list of
    built-in functions).
  */
  inherit (b) trace addErrorContext;

  /**
    Traces `msg` when `pred` holds, then returns `x`.

    # Example
    ```nix
    traceIf true "hello" 3
    => 3   # prints: trace: hello
    ```
  */
  traceIf = pred: msg: x: if pred then b.trace msg x else x;

  /**
    Traces `f x` and returns `x`.

    # Example
    ```nix
    traceValFn (v: "value is ${toString v}") 42
    => 42
    ```
  */
  inherit traceValFn;

  /**
    Traces a value and returns it.

    # Example
    ```nix
    traceVal 42
    => 42   # prints: trace: 42
    ```
  */
  traceVal = traceValFn (x: x);

  /**
    Fully evaluates `x`, traces it, and returns `y`.

    # Example
    ```nix
    traceSeq { a.b = 1; } "done"
    => "done"
    ```
  */
  traceSeq = x: y: b.trace (b.deepSeq x x) y;

  /**
    Fully evaluates `v`, traces `f v`, and returns `v`.
  */
  traceValSeqFn = f: v: traceValFn f (b.deepSeq v v);

  /**
    Fully evaluates a value, traces it, and returns it.

    # Example
    ```nix
    traceValSeq [ 1 2 ]
    => [ 1 2 ]
    ```
  */
  traceValSeq = v: b.trace (b.deepSeq v v) v;

  /**
    Runs the `test*` entries of a set of `{ expr; expected; }` tests and returns the
    failures as `[ { name; expected; result; } ]` (empty when all pass). If the set has
    a `tests` list, only the tests named there run.

    # Example
    ```nix
    runTests { testOk = { expr = 1; expected = 1; }; testBad = { expr = 1; expected = 2; }; }
    => [ { name = "testBad"; expected = 2; result = 1; } ]
    ```
  */
  runTests =
    tests:
    let
      only = tests.tests or [ ];
      selected = name:
        (lib.strings.hasPrefix "test" name || b.elem name only) && (only == [ ] || b.elem name only);
      check =
        name:
        let
          t = tests.${name};
        in
        if selected name && t.expr != t.expected then
          [
            {
              inherit name;
              inherit (t) expected;
              result = t.expr;
            }
          ]
        else
          [ ];
    in
    b.concatMap check (b.filter (n: n != "tests") (b.attrNames tests));

  /**
    A test whose expected value is a list of `true`s as long as `expr`.

    # Example
    ```nix
    testAllTrue [ true true ]
    => { expr = [ true true ]; expected = [ true true ]; }
    ```
  */
  testAllTrue = expr: {
    inherit expr;
    expected = map (_: true) expr;
  };
}
