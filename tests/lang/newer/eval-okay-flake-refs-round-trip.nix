# Flake references: parsed to attributes and printed back (Nix 2.19+ builtins).
let
  refs = [
    "nixpkgs"
    "nixpkgs/nixos-23.11"
    "nixpkgs/0123456789abcdef0123456789abcdef01234567"
    "flake:nixpkgs/nixos-23.11"
    "github:NixOS/nixpkgs"
    "github:NixOS/nixpkgs/nixos-23.11?dir=lib"
    "github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567"
    "github:NixOS/nixpkgs?ref=release/23.11&host=github.example.org"
    "gitlab:veloren/veloren/master"
    "sourcehut:~misterio/nix-colors"
    "path:/srv/flakes/x?narHash=sha256-AAAA&lastModified=17"
    "/srv/flakes/x?dir=sub"
    "git+file:///srv/repo?ref=main&rev=0123456789abcdef0123456789abcdef01234567"
    "git+https://example.org/repo.git?dir=nix&submodules=1"
    "git+ssh://git@example.org/repo"
    "tarball+file:///srv/x.tar.gz"
    "file:///srv/x.tar.gz"
    "https://example.org/x.tar.xz?narHash=sha256-BBBB"
    "file+https://example.org/data.json"
  ];
in
map (r: let a = builtins.parseFlakeRef r; in [ r a (builtins.flakeRefToString a) ]) refs
