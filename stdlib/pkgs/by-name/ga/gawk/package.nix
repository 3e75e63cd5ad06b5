# GNU awk
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "gawk";
  version = "5.2.1";
  src = fetchurl {
    url = "mirror://debian/pool/main/g/gawk/gawk_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-IzegKDsYDsG5xyeXOjR4HGR4s66by9zKCk3EmGHXWmU=";
  };
  configureFlags = [
    "--disable-nls"
    "--without-readline"
    "--without-mpfr"
    "--disable-pma"
  ];
  # Debian's tarball leaves out the manual's sources (GFDL): skip doc/ and
  # awklib/ (whose example programs are extracted from the manual).
  postPatch = ''
    sed -i 's|^\(SUBDIRS = .*\) doc awklib|\1|' Makefile.in
  '';
  meta = {
    description = "GNU awk";
    mainProgram = "gawk";
    platforms = lib.platforms.unix;
  };
})
