# A stand-in for zlib (the name cross.md's tests use): a one-function static
# library with a header, `zlibVersion()`.  It builds for any target the
# toolchain supports.
{ stdenv, lib }:
stdenv.mkDerivation {
  pname = "zlib";
  version = "1.3";
  src = ./src;
  makeFlags = [ "PREFIX=${placeholder "out"}" ];
  meta = {
    description = "Stand-in for zlib: a tiny static library";
    platforms = lib.platforms.all;
  };
}
