# Fixed points and extensions ("overlays").  A fixed-point function takes the
# final value and returns it; an extension `final: prev: delta` adds a delta
# over the previous layer.  This file must not force `lib` at import time:
# default.nix uses `makeExtensible` from here to build `lib` itself.
{ lib }:
let
  isFunction = f: builtins.isFunction f || (builtins.isAttrs f && f ? __functor);

  fix =
    f:
    let
      x = f x;
    in
    x;

  fix' =
    f:
    let
      x = f x // {
        __unfix__ = f;
      };
    in
    x;

  extends =
    overlay: f: final:
    let
      prev = f final;
    in
    prev // overlay final prev;

  composeExtensions =
    f: g: final: prev:
    let
      fDelta = f final prev;
      gDelta = g final (prev // fDelta);
    in
    fDelta // gDelta;

  makeExtensibleWithCustomName =
    extenderName: rattrs:
    fix' (
      self:
      rattrs self
      // {
        ${extenderName} = overlay: makeExtensibleWithCustomName extenderName (extends overlay rattrs);
      }
    );
in
{
  /**
    The fixed point of `f`: the value `x` such that `x == f x`, built lazily.

    # Example
    ```nix
    fix (self: { a = 1; b = self.a + 1; })
    => { a = 1; b = 2; }
    ```
  */
  inherit fix;

  /**
    Like `fix`, but the result also carries `__unfix__ = f` so it can be re-fixed.

    # Example
    ```nix
    (fix' (self: { a = 1; })).__unfix__ { }
    => { a = 1; }
    ```
  */
  inherit fix';

  /**
    Applies `f` repeatedly starting from `x` until the result stops changing.

    # Example
    ```nix
    converge (x: if x > 10 then x else x * 2) 1
    => 16
    ```
  */
  converge =
    f: x:
    let
      next = f x;
    in
    if next == x then x else lib.fixedPoints.converge f next;

  /**
    Extends a fixed-point function `f` with an overlay `final: prev: delta`:
    the result computes `prev = f final` and returns `prev // overlay final prev`.

    # Example
    ```nix
    fix (extends (final: prev: { a = prev.a + 10; }) (final: { a = 1; b = final.a + 2; }))
    => { a = 11; b = 13; }
    ```
  */
  inherit extends;

  /**
    Composes two overlays into one: `f` is applied first, `g` sees its result as `prev`.

    # Example
    ```nix
    fix (extends (composeExtensions (f: p: { a = 1; }) (f: p: { b = p.a + 1; })) (f: { }))
    => { a = 1; b = 2; }
    ```
  */
  inherit composeExtensions;

  /**
    Composes a list of overlays into one; the first element is applied first.

    # Example
    ```nix
    fix (extends (composeManyExtensions [ (f: p: { a = 1; }) (f: p: { a = p.a + 1; }) ]) (f: { }))
    => { a = 2; }
    ```
  */
  composeManyExtensions = lib.lists.foldr composeExtensions (final: prev: { });

  /**
    Fixes `rattrs` and adds an `extend` attribute that applies one more overlay.

    # Example
    ```nix
    ((makeExtensible (final: { x = 1; })).extend (final: prev: { y = final.x + 1; })).y
    => 2
    ```
  */
  makeExtensible = makeExtensibleWithCustomName "extend";

  /**
    Like `makeExtensible`, but the extension function is stored under `extenderName`.

    # Example
    ```nix
    ((makeExtensibleWithCustomName "ext" (final: { x = 1; })).ext (final: prev: { x = 2; })).x
    => 2
    ```
  */
  inherit makeExtensibleWithCustomName;

  /**
    Lifts an attribute set, a `prev: attrs` function, or a `final: prev: attrs`
    function into an overlay `final: prev: attrs`.

    # Example
    ```nix
    fix (extends (toExtension { a = 2; }) (final: { a = 1; }))
    => { a = 2; }
    ```
  */
  toExtension =
    f:
    if isFunction f then
      final: prev:
      let
        once = f prev;
      in
      if isFunction once then f final prev else once
    else
      final: prev: f;
}
