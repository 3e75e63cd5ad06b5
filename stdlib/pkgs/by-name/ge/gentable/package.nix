# The cookbook case "my package's build system needs to build a C program
# to be run under the build environment": a generator compiled with the
# build platform's compiler (`depsBuildBuild = [ buildPackages.stdenv.cc ]`,
# reached as $CC_FOR_BUILD) writes table.h, which the host's compiler then
# compiles into the program.
{ lib, stdenv, buildPackages }:
stdenv.mkDerivation {
  pname = "gentable";
  version = "1.0";
  src = ./src;
  depsBuildBuild = [ buildPackages.stdenv.cc ];
  makeFlags = [
    "CC=${stdenv.cc.targetPrefix}cc"
    "PREFIX=${placeholder "out"}"
  ];
  meta = {
    description = "Prints a table of squares generated at build time";
    mainProgram = "gentable";
    platforms = lib.platforms.all;
  };
}
