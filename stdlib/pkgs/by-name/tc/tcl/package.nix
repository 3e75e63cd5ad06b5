# Tcl 8.6 (its build lives in unix/).  SQLite's build needs `tclsh` to
# generate its sources.
{ lib, stdenv, fetchurl, zlib }:
stdenv.mkDerivation (finalAttrs: {
  pname = "tcl";
  version = "8.6.13";
  src = fetchurl {
    url = "mirror://debian/pool/main/t/tcl8.6/tcl8.6_${finalAttrs.version}+dfsg.orig.tar.gz";
    hash = "sha256-g7znJ344Jd8BeVZ+DYpDHrsaEm31PqSpSvid1N0PJtU=";
  };
  buildInputs = [ zlib ];
  preConfigure = "cd unix";
  configureFlags = [ "--enable-threads" ];
  postInstall = "ln -s tclsh8.6 $out/bin/tclsh";
  meta = {
    description = "Tcl, the tool command language";
    mainProgram = "tclsh";
    platforms = lib.platforms.unix;
  };
})
