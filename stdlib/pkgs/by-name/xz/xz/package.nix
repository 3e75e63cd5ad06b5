# XZ Utils: LZMA compression
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "xz";
  version = "5.4.1";
  src = fetchurl {
    url = "mirror://debian/pool/main/x/xz-utils/xz-utils_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-XZgnqhh1shwoj3iGS7JtJlC0NuqNLK02Tkkh62JmpaU=";
  };
  configureFlags = [
    "--disable-nls"
    "--disable-doc"
  ];
  outputs = [
    "out"
    "dev"
    "bin"
  ];
  meta = {
    description = "XZ Utils: LZMA compression";
    mainProgram = "xz";
    platforms = lib.platforms.unix;
  };
})
