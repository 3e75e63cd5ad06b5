# zlib.  Its configure script is its own (not autoconf): it takes no
# --build/--host and learns the cross compiler from CHOST.
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "zlib";
  version = "1.2.13";
  src = fetchurl {
    url = "mirror://debian/pool/main/z/zlib/zlib_${finalAttrs.version}.dfsg.orig.tar.bz2";
    hash = "sha256-cf63lH48AO8SX4O3mk5Sm94xFx5bq+SLOR8GdY0asKE=";
  };
  outputs = [
    "out"
    "dev"
  ];
  configurePlatforms = [ ];
  configureFlags = lib.optional (stdenv.hostPlatform.isStatic or false) "--static";
  preConfigure = lib.optionalString (stdenv.hostPlatform != stdenv.buildPlatform) ''
    export CHOST=${stdenv.hostPlatform.config}
  '';
  doCheck = true;
  meta = {
    description = "zlib, the deflate compression library";
    platforms = lib.platforms.all;
  };
})
