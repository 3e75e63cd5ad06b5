# GNU grep
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "gnugrep";
  version = "3.8";
  src = fetchurl {
    url = "mirror://debian/pool/main/g/grep/grep_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-SY18wbT7CBkE2HND/rtzR1z3ceQk+35hQa/2YBOrw4I=";
  };
  configureFlags = [
    "--disable-nls"
    "--disable-perl-regexp"
  ];
  meta = {
    description = "GNU grep";
    mainProgram = "grep";
    platforms = lib.platforms.unix;
  };
})
