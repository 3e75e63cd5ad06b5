# Packages under by-name/<two-letter shard>/<name>/package.nix, each
# `callPackage`d with no explicit arguments (as nixpkgs' by-name tree).
{ lib }:
final: prev:
let
  b = builtins;
  shards = lib.filterAttrs (_: kind: kind == "directory") (b.readDir ./.);
  packagesIn =
    shard:
    lib.mapAttrs (name: _: ./. + "/${shard}/${name}/package.nix") (
      lib.filterAttrs (_: kind: kind == "directory") (b.readDir (./. + "/${shard}"))
    );
  files = b.foldl' (acc: shard: acc // packagesIn shard) { } (b.attrNames shards);
in
b.mapAttrs (_: file: final.callPackage file { }) files
