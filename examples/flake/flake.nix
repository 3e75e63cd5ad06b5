# An example flake for tern: a package for the host and cross-compiled for
# aarch64, and a NixOS-lite system whose packages are cross-compiled for
# riscv64. `nixpkgs` is provided by tern's stdlib (no network needed).
#
#   tern eval ./examples/flake#hello --apply 'p: p.name'
#   tern eval ./examples/flake#nixosConfigurations.demo.config.system.build.toplevel.name
#   tern flake show ./examples/flake
#   tern instantiate ./examples/flake#hello-aarch64
{
  description = "tern example: hello natively and for aarch64, and a riscv64 NixOS-lite system";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-23.11";

  outputs =
    { self, nixpkgs }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: {
        default = pkgs.hello;
        hello = pkgs.hello;
        hello-aarch64 = pkgs.pkgsCross.aarch64-multiplatform.hello;
      });

      nixosConfigurations.demo = nixpkgs.lib.nixosSystem {
        system = "x86_64-linux";
        modules = [
          {
            nixpkgs.crossSystem = {
              system = "riscv64-linux";
            };
            networking.hostName = "demo";
          }
          ({ pkgs, ... }: { environment.systemPackages = [ pkgs.hello ]; })
        ];
      };

      overlays.default = final: prev: { hello-greeting = final.hello; };
    };
}
