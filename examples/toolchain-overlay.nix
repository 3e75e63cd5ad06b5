# The seed's custom toolchain: an overlay that makes `gcc` GCC 12, natively
# and for a cross set.  Overlays reach every stage, so the cross compiler
# (`buildPackages.gcc`) changes too:
#
#   tern eval examples/toolchain-overlay.nix -A names --strict
#   { cross = "riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-12.2.0";
#     crossDefault = "riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-11.3.0";
#     native = "gcc-wrapper-12.2.0"; }
#   tern build examples/toolchain-overlay.nix -A riscv64Hello
#   readelf -p .comment result/bin/hello      # GCC: (Debian 12.2.0-13) 12.2.0
#
# Without the overlay a riscv64 build fails, saying that Debian 12 has no
# GCC 11 for riscv64.
let
  gcc12 = self: super: { gcc = self.gcc12; };
  a = import ../stdlib {
    localSystem = "x86_64-linux";
    crossSystem = { config = "riscv64-unknown-linux-gnu"; };
    overlays = [ gcc12 ];
  };
  pkgs = import ../stdlib { localSystem = "x86_64-linux"; };
  native = import ../stdlib { localSystem = "x86_64-linux"; overlays = [ gcc12 ]; };
in
{
  crossCc = a.pkgsCross.riscv64.stdenv.cc;
  riscv64Hello = a.hello;
  nativeHello = native.hello;
  names = {
    cross = a.pkgsCross.riscv64.stdenv.cc.name;
    crossDefault = pkgs.pkgsCross.riscv64.stdenv.cc.name;
    native = native.stdenv.cc.name;
  };
}
