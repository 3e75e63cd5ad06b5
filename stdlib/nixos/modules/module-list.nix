# The base modules of NixOS-lite, in the order eval-config puts them first.
[
  ./misc/nixpkgs.nix
  ./misc/assertions.nix
  ./misc/meta.nix
  ./misc/version.nix
  ./config/system-path.nix
  ./config/networking.nix
  ./system/boot/binfmt.nix
  ./system/activation/top-level.nix
]
