# `<nixpkgs>`: tern's package set.
#
#   import <nixpkgs> { }                                   native, for builtins.currentSystem
#   import <nixpkgs> { localSystem = "x86_64-linux"; crossSystem = lib.systems.examples.riscv64; }
#
# This file is the impure front door: it fills in what the caller left out
# (the evaluating machine's system, the user's config file and overlays) and
# hands everything to the pure entry point, pkgs/top-level/default.nix.
# Unknown arguments are refused with the list of accepted ones.  (The
# formals must stay `{ ... }`: nix-build only auto-calls functions with formals.)
{ ... }@args:
let
  b = builtins;
  lib = import ./lib;

  accepted = [
    "localSystem"
    "crossSystem"
    "system"
    "config"
    "overlays"
    "crossOverlays"
    "stdenvStages"
  ];

  unknown = b.attrNames (removeAttrs args accepted);

  quoteList = names: b.concatStringsSep ", " (map (n: "`${n}'") names);

  # tryEval around a value that may fail (a <path> missing from the search path).
  try = x: default: let r = b.tryEval x; in if r.success then r.value else default;

  home = b.getEnv "HOME";
  existing = paths: b.filter (p: p != "" && b.pathExists p) paths;

  # The user's configuration: $NIXPKGS_CONFIG, then ~/.config/nixpkgs/config.nix,
  # then ~/.nixpkgs/config.nix, else nothing.
  configFiles = existing [
    (b.getEnv "NIXPKGS_CONFIG")
    (if home != "" then home + "/.config/nixpkgs/config.nix" else "")
    (if home != "" then home + "/.nixpkgs/config.nix" else "")
  ];
  defaultConfig = if configFiles == [ ] then { } else import (b.head configFiles);

  # Overlays found the way nixpkgs users expect: <nixpkgs-overlays>, else
  # ~/.config/nixpkgs/overlays.nix or the directory ~/.config/nixpkgs/overlays/.
  overlaysFrom =
    path:
    let
      kind = (b.readDir (dirOf path)).${baseNameOf path} or null;
      isNixFile = name: lib.hasSuffix ".nix" name;
      entries = b.readDir path;
      fromDir = b.concatMap (
        name:
        let
          p = path + "/${name}";
        in
        if entries.${name} == "directory" && b.pathExists (p + "/default.nix") then
          [ (import p) ]
        else if entries.${name} != "directory" && isNixFile name then
          [ (import p) ]
        else
          [ ]
      ) (b.attrNames entries);
    in
    if kind == "directory" then
      fromDir
    else
      let
        v = import path;
      in
      if b.isList v then v else [ v ];
  overlayCandidates = existing [
    (try (toString <nixpkgs-overlays>) "")
    (if home != "" then home + "/.config/nixpkgs/overlays.nix" else "")
    (if home != "" then home + "/.config/nixpkgs/overlays" else "")
  ];
  defaultOverlays = if overlayCandidates == [ ] then [ ] else overlaysFrom (/. + b.head overlayCandidates);

  localSystem =
    if args ? localSystem then
      args.localSystem
    else if args ? system then
      { system = args.system; }
    else if b ? currentSystem then
      { system = b.currentSystem; }
    else
      b.throw "stdlib: pure evaluation has no builtins.currentSystem; pass `localSystem' (e.g. localSystem = \"x86_64-linux\";)";
in
if unknown != [ ] then
  b.throw "stdlib: unknown argument${if b.length unknown > 1 then "s" else ""} ${quoteList unknown} for the package set; the accepted arguments are ${quoteList accepted}"
else
  assert lib.asserts.assertMsg (!(args ? system && args ? localSystem))
    "stdlib: pass either `localSystem' or the legacy `system', not both";
  import ./pkgs/top-level (
    {
      inherit lib localSystem;
      config = args.config or defaultConfig;
      overlays = args.overlays or defaultOverlays;
    }
    // removeAttrs args [
      "system"
      "localSystem"
      "config"
      "overlays"
    ]
  )
