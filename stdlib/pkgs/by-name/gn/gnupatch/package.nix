# GNU patch
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "gnupatch";
  version = "2.7.6";
  src = fetchurl {
    url = "mirror://debian/pool/main/p/patch/patch_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-rGEL2per4Nn2t8ljJVoR3LGWwl4zfGH5Tkd41jLx2P0=";
  };
  configureFlags = [
    "--disable-xattr"
  ];
  meta = {
    description = "GNU patch";
    mainProgram = "patch";
    platforms = lib.platforms.unix;
  };
})
