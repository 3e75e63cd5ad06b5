# The manual's cookbook: a build system that compiles and runs a C program
# on the build machine.  `depsBuildBuild = [ buildPackages.stdenv.cc ]` puts
# the build platform's compiler (unprefixed `cc`, $CC_FOR_BUILD) next to the
# host's (`${stdenv.cc.targetPrefix}cc`).  Here a generator writes a header
# that the cross-compiled program includes.
#
#   tern build examples/depsBuildBuild.nix
#   tern with-store qemu-aarch64 -L /usr/aarch64-linux-gnu result/bin/powers
#   # powers of two: 1 2 4 8 16 32 64 128 256 512 (generated on the build machine)
let
  pkgs = import ../stdlib {
    localSystem = "x86_64-linux";
    crossSystem = (import ../stdlib/lib).systems.examples.aarch64-multiplatform;
  };
in
pkgs.callPackage (
  { stdenv, buildPackages, writeText }:
  stdenv.mkDerivation {
    pname = "powers";
    version = "1.0";
    dontUnpack = true;
    depsBuildBuild = [ buildPackages.stdenv.cc ];
    generator = writeText "gen.c" ''
      #include <stdio.h>
      int main(void) {
        printf("static const int powers[] = {");
        for (int i = 0; i < 10; i++) printf("%s%d", i ? ", " : " ", 1 << i);
        printf(" };\n");
        return 0;
      }
    '';
    program = writeText "powers.c" ''
      #include <stdio.h>
      #include "powers.h"
      int main(void) {
        printf("powers of two:");
        for (unsigned i = 0; i < sizeof powers / sizeof powers[0]; i++) printf(" %d", powers[i]);
        printf(" (generated on the build machine)\n");
        return 0;
      }
    '';
    buildPhase = ''
      cc -o gen "$generator"                      # the build platform's compiler
      ./gen > powers.h
      cp "$program" powers.c
      ${stdenv.cc.targetPrefix}cc -o powers powers.c  # the host platform's
    '';
    installPhase = ''
      mkdir -p $out/bin
      cp powers $out/bin/
    '';
  }
) { }
