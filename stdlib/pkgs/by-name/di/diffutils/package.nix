# GNU diffutils: diff, cmp, diff3, sdiff
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "diffutils";
  version = "3.8";
  src = fetchurl {
    url = "mirror://debian/pool/main/d/diffutils/diffutils_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-pr3X0bMSZtEcT03mwbdI1GB6sCMa9RiPwlM9CuJDj+w=";
  };
  configureFlags = [
    "--disable-nls"
  ];
  meta = {
    description = "GNU diffutils: diff, cmp, diff3, sdiff";
    mainProgram = "diff";
    platforms = lib.platforms.unix;
  };
})
