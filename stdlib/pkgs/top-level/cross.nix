# Other package sets reachable from every stage (cross.md §5): all are new
# instantiations of the entry point through `nixpkgsFun`, so the caller's
# localSystem, overlays, crossOverlays and raw config carry over.
#
#   pkgsCross.<example>   crossSystem = lib.systems.examples.<example>  (lazy, one per name)
#   pkgsMusl              the host platform with its musl ABI
#   pkgsi686Linux         the host platform with an i686 CPU
#   pkgsStatic            static, musl on Linux; always a cross set
#   appendOverlays, extend
{ lib, nixpkgsFun }:
final: prev:
let
  b = builtins;
  inherit (final.stdenv) hostPlatform buildPlatform;
  inherit (lib.systems) parse;

  # Native sets change localSystem, cross sets crossSystem.
  platformArg = if hostPlatform == buildPlatform then "localSystem" else "crossSystem";

  muslAbis = {
    gnu = "musl";
    gnueabi = "musleabi";
    gnueabihf = "musleabihf";
    gnuabin32 = "muslabin32";
    gnuabi64 = "muslabi64";
    gnuabielfv1 = "musl";
    gnuabielfv2 = "musl";
  };
  muslParsed =
    parsed:
    parsed // { abi = parse.abis.${muslAbis.${parsed.abi.name} or parsed.abi.name}; };
  i686Parsed = parsed: parsed // { cpu = parse.cpuTypes.i686; };
  # A platform given as its printed triple (cross.md §5.2).
  asConfig = parsed: { config = parse.tripleFromSystem parsed; };

  # Re-instantiation with one more overlay in front that points the variant's
  # name at itself (so `pkgsMusl.pkgsMusl` is not a third set).
  variant =
    name: newPlatformArgs:
    nixpkgsFun (
      original:
      {
        overlays = [ (_: selfPrev: { ${name} = selfPrev; }) ] ++ (original.overlays or [ ]);
      }
      // newPlatformArgs
    );
in
{
  pkgsCross = lib.mapAttrs (_: crossSystem: nixpkgsFun { inherit crossSystem; }) lib.systems.examples;

  pkgsMusl =
    if hostPlatform.isLinux then
      variant "pkgsMusl" { ${platformArg} = asConfig (muslParsed hostPlatform.parsed); }
    else
      b.throw "pkgsMusl: musl is a Linux C library, but the host platform is ${hostPlatform.config}";

  pkgsi686Linux =
    if hostPlatform.isLinux && hostPlatform.isx86 then
      variant "pkgsi686Linux" { ${platformArg} = asConfig (i686Parsed hostPlatform.parsed); }
    else
      b.throw "pkgsi686Linux: an i686 package set needs an x86 Linux host platform, but it is ${hostPlatform.config}";

  pkgsStatic = variant "pkgsStatic" {
    crossSystem =
      asConfig (if hostPlatform.isLinux then muslParsed hostPlatform.parsed else hostPlatform.parsed)
      // {
        isStatic = true;
      };
  };

  appendOverlays =
    extraOverlays:
    if extraOverlays == [ ] then
      final
    else
      nixpkgsFun (original: {
        overlays = (original.overlays or [ ]) ++ extraOverlays;
      });

  extend = overlay: final.appendOverlays [ overlay ];
}
