# GNU findutils: find, xargs, locate
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "findutils";
  version = "4.9.0";
  src = fetchurl {
    url = "mirror://debian/pool/main/f/findutils/findutils_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-or+4wJ1DZ3DtxZ9Q+kg+eFsWGjt7nVR1c8sIBl/UYv4=";
  };
  configureFlags = [
    "--disable-nls"
    "--without-selinux"
  ];
  meta = {
    description = "GNU findutils: find, xargs, locate";
    mainProgram = "find";
    platforms = lib.platforms.unix;
  };
})
