# GNU zip
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "gzip";
  version = "1.12";
  src = fetchurl {
    url = "mirror://debian/pool/main/g/gzip/gzip_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-zl4D5Rn2N+H4FAEazjXE+HszwLur7sNbr1+9NHnpGVY=";
  };
  meta = {
    description = "GNU zip";
    mainProgram = "gzip";
    platforms = lib.platforms.unix;
  };
})
