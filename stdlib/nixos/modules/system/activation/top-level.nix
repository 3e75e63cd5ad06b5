# `system.build` and `system.build.toplevel`: the derivation standing for
# the whole system.  Evaluating it checks `assertions` and prints `warnings`.
# It is a plain `derivation` on the build platform (like a `stdenvNoCC`
# build: no host-platform suffix in its name), run by the build platform's
# bash and coreutils from the package set, that links the
# `environment.systemPackages` into `$out/sw`.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  failed = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);

  checked =
    value:
    if failed != [ ] then
      throw "\nFailed assertions:\n${lib.concatMapStringsSep "\n" (m: "- ${m}") failed}"
    else
      lib.showWarnings config.warnings value;

  packages = config.environment.systemPackages;

  # The tools that assemble the system run on the build platform.
  buildTools = pkgs.buildPackages or pkgs;

  toplevel = derivation (
    {
      name = "nixos-system-${config.system.name}-${config.system.nixos.label}";
      system = pkgs.stdenv.buildPlatform.system;
      # (A stand-in package set without them gets the machine's /bin/sh.)
      builder = if buildTools ? bash then "${buildTools.bash}/bin/bash" else "/bin/sh";
      PATH = lib.makeBinPath (lib.optional (buildTools ? coreutils) buildTools.coreutils);
      inherit packages;
      systemName = config.system.name;
      nixosLabel = config.system.nixos.label;
      args = [
        "-c"
        ''
          mkdir -p "$out/sw"
          for p in $packages; do
            for d in bin lib share; do
              if [ -d "$p/$d" ]; then
                mkdir -p "$out/sw/$d"
                for f in "$p/$d"/*; do ln -sf "$f" "$out/sw/$d/"; done
              fi
            done
          done
          printf '%s' "$systemName" > "$out/name"
          printf '%s' "$nixosLabel" > "$out/nixos-version"
        ''
      ];
    }
    # What every builder of the build platform's stdenv gets: under emulation,
    # the Debian root that the emulated bash and coreutils load their libc from.
    // (buildTools.stdenv.builderEnv or { })
  );
in
{
  options.system = {
    build = lib.mkOption {
      type = lib.types.lazyAttrsOf lib.types.unspecified;
      internal = true;
      default = { };
      description = "Derivations that make up the system; `toplevel` is the whole system.";
    };
    name = lib.mkOption {
      type = lib.types.str;
      default = if config.networking.hostName == "" then "unnamed" else config.networking.hostName;
      defaultText = lib.literalExpression ''if config.networking.hostName == "" then "unnamed" else config.networking.hostName'';
      description = "The name of the system, part of the name of `system.build.toplevel`.";
    };
  };

  config.system.build.toplevel = checked toplevel;
}
