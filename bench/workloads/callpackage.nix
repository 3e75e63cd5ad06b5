# A nixpkgs-shaped fixed point: 50,000 packages made by `callPackage` (the function's
# arguments found with `functionArgs` and filled from the set with `intersectAttrs`), made
# overridable (`override`, `overrideAttrs`), then five overlays of 500 packages each.
let
  inherit (builtins) functionArgs intersectAttrs genList listToAttrs foldl' attrNames length;
  n = 50000;
  fix = f: let x = f x; in x;
  extends = overlay: f: self: let super = f self; in super // overlay self super;
  makeOverridable = f: args:
    let
      result = f args;
    in
    result // {
      override = more: makeOverridable f (args // (if builtins.isFunction more then more args else more));
    };
  callPackageWith = set: fn: args:
    makeOverridable fn ((intersectAttrs (functionArgs fn) set) // args);
  mkDerivation = attrs:
    let
      self = attrs // {
        name = "${attrs.pname}-${attrs.version}";
        meta = { description = "the ${attrs.pname} package"; position = "pkgs/${attrs.pname}/default.nix"; };
        closure = 1 + foldl' (n: d: n + d.weight) 0 attrs.buildInputs;
        weight = if self.closure > 1000 then 1 else self.closure;
        overrideAttrs = f: mkDerivation (attrs // f attrs);
      };
    in
    self;
  # Package "recipes", each taking the packages it needs by name (as files in nixpkgs do).
  recipes = [
    ({ mkDerivation, zlib, dep }: mkDerivation { pname = "a"; version = "1"; buildInputs = [ zlib dep ]; })
    ({ mkDerivation, openssl, zlib, dep, optional ? null }: mkDerivation {
      pname = "b"; version = "2"; buildInputs = [ openssl zlib dep ];
    })
    ({ mkDerivation, perl, dep, lib }: mkDerivation { pname = "c"; version = lib.v; buildInputs = [ perl dep ]; })
    ({ mkDerivation, python, openssl, dep, withDocs ? false }: mkDerivation {
      pname = "d"; version = if withDocs then "4-doc" else "4"; buildInputs = [ python openssl dep ];
    })
  ];
  base = self:
    let callPackage = callPackageWith self; in
    {
      lib = { v = "3"; };
      inherit mkDerivation callPackage;
      zlib = mkDerivation { pname = "zlib"; version = "1.3"; buildInputs = [ ]; };
      openssl = callPackage ({ mkDerivation, zlib }: mkDerivation { pname = "openssl"; version = "3"; buildInputs = [ zlib ]; }) { };
      perl = callPackage ({ mkDerivation, zlib }: mkDerivation { pname = "perl"; version = "5"; buildInputs = [ zlib ]; }) { };
      python = callPackage ({ mkDerivation, openssl, zlib }: mkDerivation { pname = "python"; version = "3"; buildInputs = [ openssl zlib ]; }) { };
    } // listToAttrs (genList (i: {
      name = "p${toString i}";
      value = callPackage (builtins.elemAt recipes (i - (i / 4) * 4)) {
        dep = if i == 0 then self.zlib else self."p${toString (i / 2)}";
      };
    }) n);
  overlay = k: self: super: listToAttrs (genList (j:
    let name = "p${toString (k * 9000 + j * 5)}"; in {
      inherit name;
      value = if j - (j / 2) * 2 == 0
        then super.${name}.override { dep = self.zlib; }
        else super.${name}.overrideAttrs (old: { version = "${old.version}-o${toString k}"; });
    }) 500);
  pkgs = fix (foldl' (f: k: extends (overlay k) f) base (genList (k: k) 5));
  names = genList (i: "p${toString i}") n;
in
[
  (foldl' (n: name: n + pkgs.${name}.weight) 0 names)
  (foldl' (n: name: n + builtins.stringLength (pkgs.${name}.name + pkgs.${name}.meta.description)) 0 names)
  (length (attrNames pkgs))
  pkgs.p18000.name
  pkgs.p9005.name
  (pkgs.p7.override { withDocs = true; }).version
]
