# Version-string helpers built on `builtins.splitVersion`.
{ lib }:
let
  b = builtins;
  inherit (b) splitVersion elemAt;
in
{
  /**
    Splits a version string into its components.

    # Example
    ```nix
    splitVersion "1.2.3"
    => [ "1" "2" "3" ]
    ```
  */
  inherit splitVersion;

  /**
    The first component of a version.

    # Example
    ```nix
    major "1.2.3"
    => "1"
    ```
  */
  major = v: elemAt (splitVersion v) 0;

  /**
    The second component of a version.

    # Example
    ```nix
    minor "1.2.3"
    => "2"
    ```
  */
  minor = v: elemAt (splitVersion v) 1;

  /**
    The third component of a version.

    # Example
    ```nix
    patch "1.2.3"
    => "3"
    ```
  */
  patch = v: elemAt (splitVersion v) 2;

  /**
    The first two components of a version, joined with a dot.

    # Example
    ```nix
    majorMinor "1.2.3"
    => "1.2"
    ```
  */
  majorMinor = v: b.concatStringsSep "." (lib.lists.take 2 (splitVersion v));

  /**
    Pads (with `0`) or truncates the numeric part of a version to `n` components,
    keeping any `-suffix`.

    # Example
    ```nix
    pad 3 "1.3-rc1"
    => "1.3.0-rc1"
    ```
  */
  pad =
    n: version:
    let
      numeric = b.head (lib.strings.splitString "-" version);
      suffix = lib.strings.removePrefix numeric version;
      parts = splitVersion numeric ++ b.genList (_: "0") n;
    in
    b.concatStringsSep "." (lib.lists.take n parts) + suffix;
}
