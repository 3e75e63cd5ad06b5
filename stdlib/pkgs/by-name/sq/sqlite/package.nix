# SQLite from its full source tree: the build generates the amalgamation
# with `tclsh` (a build tool) and compiles `lemon` and friends for the build
# platform.
{ lib, stdenv, fetchurl, buildPackages, tcl, readline, zlib }:
stdenv.mkDerivation (finalAttrs: {
  pname = "sqlite";
  version = "3.40.1";
  src = fetchurl {
    url = "mirror://debian/pool/main/s/sqlite3/sqlite3_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-qqd2Jgq03Jdts0qniRgZSEyGdrWyeDEj68YwHiyl1lU=";
  };
  outputs = [
    "out"
    "dev"
    "bin"
  ];
  depsBuildBuild = [ buildPackages.stdenv.cc ];
  nativeBuildInputs = [ tcl ];
  buildInputs = [
    readline
    zlib
  ];
  configureFlags = [
    "--disable-tcl"
    "--enable-readline"
    "BCC=cc"
  ];
  meta = {
    description = "SQLite, a self-contained SQL database engine";
    mainProgram = "sqlite3";
    platforms = lib.platforms.unix;
  };
})
