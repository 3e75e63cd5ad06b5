# Lua 5.4: a plain Makefile; the platform target `linux` (dlopen, -Wl,-E)
# or `posix`, with the stdenv's compiler and archiver.
{ lib, stdenv, fetchurl }:
let
  target = if stdenv.hostPlatform.isLinux then "linux" else "posix";
in
stdenv.mkDerivation (finalAttrs: {
  pname = "lua";
  version = "5.4.4";
  src = fetchurl {
    url = "mirror://debian/pool/main/l/lua5.4/lua5.4_${finalAttrs.version}.orig.tar.gz";
    hash = "sha256-Fkx4SWU7gK5nvsS3RzuIS/XMjS3KBWU0dewu0nuev2E=";
  };
  dontConfigure = true;
  buildPhase = ''
    make -j"$NIX_BUILD_CORES" ${target} CC="$CC" AR="$AR rcu" RANLIB="$RANLIB"
  '';
  installPhase = ''
    make install INSTALL_TOP="$out"
  '';
  doCheck = false;
  meta = {
    description = "Lua, a small embeddable scripting language";
    mainProgram = "lua";
    platforms = lib.platforms.unix;
  };
})
