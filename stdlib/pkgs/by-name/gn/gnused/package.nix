# GNU sed, the stream editor
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "gnused";
  version = "4.9";
  src = fetchurl {
    url = "mirror://debian/pool/main/s/sed/sed_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-biJrcy4c1zlGStaGK9Ghq6QteYKSLaelNRljHSSXUYE=";
  };
  configureFlags = [
    "--disable-nls"
    "--without-selinux"
  ];
  meta = {
    description = "GNU sed, the stream editor";
    mainProgram = "sed";
    platforms = lib.platforms.unix;
  };
})
