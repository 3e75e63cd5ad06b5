# `boot.binfmt.emulatedSystems`: accepted for compatibility with
# configurations written for NixOS; it has no effect here.
{ lib, ... }:
{
  options.boot.binfmt.emulatedSystems = lib.mkOption {
    type = lib.types.listOf lib.types.str;
    default = [ ];
    example = [ "aarch64-linux" "riscv64-linux" ];
    description = "Systems whose programs the machine runs through an emulator (recorded only).";
  };
}
