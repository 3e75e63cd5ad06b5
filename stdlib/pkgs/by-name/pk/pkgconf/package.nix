# pkgconf, the pkg-config implementation.  `pkg-config` (all-packages.nix)
# wraps it so each build finds only the libraries of its own role.
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "pkgconf";
  version = "1.8.1";
  src = fetchurl {
    url = "mirror://debian/pool/main/p/pkgconf/pkgconf_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-ZENhraKUK+BWVdRFLrAYeRZHwxu6Qpsofx9o3rLcaEA=";
  };
  # No system directories: every search path comes from the build.
  configureFlags = [
    "--with-system-libdir=/var/empty"
    "--with-system-includedir=/var/empty"
    "--with-pkg-config-dir=/var/empty"
  ];
  postInstall = "ln -s pkgconf $out/bin/pkg-config";
  meta = {
    description = "pkgconf, a pkg-config implementation";
    mainProgram = "pkgconf";
    platforms = lib.platforms.unix;
  };
})
