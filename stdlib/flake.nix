# tern's stdlib as a flake: what a `nixpkgs` input resolves to under tern
# (`github:NixOS/nixpkgs/…`, `flake:nixpkgs`, `nixpkgs`, channel tarballs).
#
#   lib                      the library, with lib.nixosSystem (NixOS-lite)
#   legacyPackages.<system>  the package set for each of lib.systems.flakeExposed,
#                            built only when used: import ./. { localSystem = system; }
#   nixosModules             the NixOS-lite base modules, one by one
#
# Like nixpkgs' flake it has no inputs, and `import nixpkgs { … }` works on it
# (its outPath is this directory).
{
  description = "tern's stdlib: lib, NixOS-lite and a package set with cross-compilation";

  outputs =
    { self }:
    let
      lib = import ./lib;
      forAllSystems =
        f:
        builtins.listToAttrs (
          map (system: {
            name = system;
            value = f system;
          }) lib.systems.flakeExposed
        );
    in
    {
      inherit lib;

      legacyPackages = forAllSystems (system: import ./. { localSystem = system; });

      nixosModules = {
        nixpkgs = ./nixos/modules/misc/nixpkgs.nix;
        assertions = ./nixos/modules/misc/assertions.nix;
        systemPath = ./nixos/modules/config/system-path.nix;
        networking = ./nixos/modules/config/networking.nix;
        binfmt = ./nixos/modules/system/boot/binfmt.nix;
        topLevel = ./nixos/modules/system/activation/top-level.nix;
      };
    };
}
