# pixman, the pixel-manipulation library: the package set's Meson build
# (configured, built and installed by the meson and ninja setup hooks).
{ lib, stdenv, fetchurl, meson, ninja, pkg-config }:
stdenv.mkDerivation (finalAttrs: {
  pname = "pixman";
  version = "0.42.2";
  src = fetchurl {
    url = "mirror://debian/pool/main/p/pixman/pixman_${finalAttrs.version}.orig.tar.gz";
    hash = "sha256-6hSA762i/ZSLx1Nm98NJ4cltMpfQmj/mJibjjiNKYl4=";
  };
  outputs = [
    "out"
    "dev"
  ];
  nativeBuildInputs = [
    meson
    ninja
    pkg-config
  ];
  mesonFlags = [
    "-Dtests=disabled"
    "-Dgtk=disabled"
    "-Dlibpng=disabled"
    "-Dopenmp=disabled"
  ];
  meta = {
    description = "pixman, a low-level pixel manipulation library";
    platforms = lib.platforms.unix;
  };
})
