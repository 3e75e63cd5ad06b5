# json-c, a JSON library in C: the package set's CMake build (configured by
# the cmake setup hook, with a toolchain file when cross-compiling).
{ lib, stdenv, fetchurl, cmake }:
stdenv.mkDerivation (finalAttrs: {
  pname = "json-c";
  version = "0.16";
  src = fetchurl {
    url = "mirror://debian/pool/main/j/json-c/json-c_${finalAttrs.version}.orig.tar.gz";
    hash = "sha256-Psru3/2ZpgsSYoGfnmDX2YOEQHOrx05JXLgislGQQYU=";
  };
  outputs = [
    "out"
    "dev"
  ];
  nativeBuildInputs = [ cmake ];
  cmakeFlags = [
    "-DBUILD_STATIC_LIBS=OFF"
    "-DDISABLE_WERROR=ON"
  ];
  meta = {
    description = "json-c, a JSON implementation in C";
    platforms = lib.platforms.unix;
  };
})
