# bzip2: a Makefile without configure.  The shared library comes from its
# second makefile; both are driven with the stdenv's tools.
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "bzip2";
  version = "1.0.8";
  src = fetchurl {
    url = "mirror://debian/pool/main/b/bzip2/bzip2_${finalAttrs.version}.orig.tar.gz";
    hash = "sha256-q1oDF27hBtPw+pDjgdpHjdrkBZGBU8yiSOaCzQxKImk=";
  };
  outputs = [
    "out"
    "dev"
  ];
  buildPhase = ''
    make -j"$NIX_BUILD_CORES" -f Makefile-libbz2_so CC="$CC"
    make -j"$NIX_BUILD_CORES" bzip2 bzip2recover CC="$CC" AR="$AR" RANLIB="$RANLIB"
  '';
  installPhase = ''
    make install PREFIX="$out" CC="$CC" AR="$AR" RANLIB="$RANLIB"
    cp -P libbz2.so.* "$out/lib/"
    ln -sf libbz2.so.${finalAttrs.version} "$out/lib/libbz2.so.1"
    ln -sf libbz2.so.${finalAttrs.version} "$out/lib/libbz2.so"
    mkdir -p "$dev"
    mv "$out/include" "$dev/include"
  '';
  meta = {
    description = "bzip2, a block-sorting file compressor";
    mainProgram = "bzip2";
    platforms = lib.platforms.unix;
  };
})
