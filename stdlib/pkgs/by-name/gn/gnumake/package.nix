# GNU make
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "gnumake";
  version = "4.4.1";
  src = fetchurl {
    url = "mirror://debian/pool/main/m/make-dfsg/make-dfsg_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-OxawDqEHmvn4CWu8cf98wAwkn8aoYgA9o8QjCKCtsP4=";
  };
  configureFlags = [
    "--disable-nls"
    "--without-guile"
  ];
  # Debian's tarball leaves out the manual (GFDL): configure and build
  # without its directory.
  postPatch = ''
    sed -i 's| doc/Makefile||' configure
    sed -i -e 's|^SUBDIRS = lib po doc$|SUBDIRS = lib po|' -e 's|^man_MANS = doc/make.1$|man_MANS =|' Makefile.in
  '';
  meta = {
    description = "GNU make";
    mainProgram = "make";
    platforms = lib.platforms.unix;
  };
})
