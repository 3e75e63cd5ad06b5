# The binutils wrapper: the target's binutils under `${targetPrefix}<tool>'
# names, built with stdenvNoCC (so never host-suffixed), e.g.
# `aarch64-unknown-linux-gnu-binutils-wrapper-2.40'.
{
  lib,
  stdenvNoCC,
  bintools,
  libc ? null,
}:
let
  inherit (stdenvNoCC) hostPlatform targetPlatform;
  targetPrefix = lib.optionalString (targetPlatform != hostPlatform) "${targetPlatform.config}-";
in
stdenvNoCC.mkDerivation {
  pname = targetPrefix + "binutils-wrapper";
  version = lib.getVersion bintools;
  dontUnpack = true;
  dontConfigure = true;
  dontBuild = true;
  dontFixup = true;
  inherit targetPrefix;
  unwrapped = bintools;
  installPhase = ''
    mkdir -p "$out/bin" "$out/nix-support"
    for tool in "$unwrapped"/bin/*; do
      ln -s "$tool" "$out/bin/$(basename "$tool")"
    done
    echo "$targetPrefix" > "$out/nix-support/target-prefix"
  '';
  passthru = {
    inherit targetPrefix bintools libc;
    isGNU = true;
  };
}
