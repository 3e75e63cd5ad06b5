# A C library stand-in: the Debian sysroot the cross compiler already uses
# for the host platform, linked into a store path (include/, lib/).  The
# compilers find their libc on their own; this package exists so that
# `libc`, `glibc`, `musl`, … evaluate with the right platforms and names.
{
  lib,
  stdenvNoCC,
  pname,
  version,
  debianPackage,
}:
let
  inherit (stdenvNoCC) hostPlatform;
  triple = (import ./host-toolchain.nix { inherit lib; stdenv = stdenvNoCC; }).debianTriple hostPlatform;
  sysroot =
    if hostPlatform.isMusl && hostPlatform.isx86_64 then
      { include = "/usr/include/x86_64-linux-musl"; lib = "/usr/lib/x86_64-linux-musl"; }
    else if hostPlatform.isMinGW then
      {
        include = "/usr/${hostPlatform.parsed.cpu.name}-w64-mingw32/include";
        lib = "/usr/${hostPlatform.parsed.cpu.name}-w64-mingw32/lib";
      }
    else if triple != null then
      { include = "/usr/${triple}/include"; lib = "/usr/${triple}/lib"; }
    else
      null;
in
stdenvNoCC.mkDerivation {
  inherit pname version;
  dontUnpack = true;
  dontConfigure = true;
  dontBuild = true;
  dontFixup = true;
  installPhase =
    if sysroot == null then
      ''
        echo "error: no Debian package provides ${pname} for ${hostPlatform.config}" >&2
        exit 1
      ''
    else
      ''
        if [ ! -d ${sysroot.lib} ]; then
          echo "error: ${pname} for ${hostPlatform.config} needs ${sysroot.lib}; install it with: apt-get install -y ${debianPackage}" >&2
          exit 1
        fi
        mkdir -p "$out"
        ln -s ${sysroot.include} "$out/include"
        ln -s ${sysroot.lib} "$out/lib"
      '';
  passthru.sysroot = sysroot;
}
