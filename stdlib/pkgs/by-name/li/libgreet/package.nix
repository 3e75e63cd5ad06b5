# A small C library with a header in its `dev` output and the library in
# `out` (shared where the host platform has ELF shared libraries, static
# everywhere).  Dependents list it in buildInputs; mkDerivation picks `dev`,
# which brings `out` along.
{ lib, stdenv }:
let
  shared = stdenv.hostPlatform.hasSharedLibraries && stdenv.hostPlatform.isElf;
in
stdenv.mkDerivation {
  pname = "libgreet";
  version = "1.0";
  src = ./src;
  outputs = [
    "out"
    "dev"
  ];
  makeFlags = [
    "PREFIX=${placeholder "out"}"
    "INCLUDEDIR=${placeholder "dev"}/include"
    "SHARED=${if shared then "1" else "0"}"
  ];
  meta = {
    description = "A library of greetings";
    platforms = lib.platforms.all;
  };
}
