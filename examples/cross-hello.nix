# One package for three targets (and the build machine itself).
#
#   tern build examples/cross-hello.nix                                # builds all four
#   tern build examples/cross-hello.nix -A aarch64
#   tern with-store qemu-aarch64 -L /usr/aarch64-linux-gnu result/bin/hello   # Hello, world!
#
# Needs gcc-11, gcc-11-aarch64-linux-gnu, gcc-11-arm-linux-gnueabihf,
# gcc-11-s390x-linux-gnu and the matching libc6-dev-*-cross packages.
let
  pkgs = import ../stdlib { localSystem = "x86_64-linux"; };
in
{
  native = pkgs.hello;
  aarch64 = pkgs.pkgsCross.aarch64-multiplatform.hello;
  armv7l = pkgs.pkgsCross.armv7l-hf-multiplatform.hello;
  s390x = pkgs.pkgsCross.s390x.hello;
}
