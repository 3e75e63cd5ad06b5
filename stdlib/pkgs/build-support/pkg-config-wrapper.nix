# `pkg-config` as builds see it: pkgconf behind a wrapper named for the
# platform whose libraries it finds (`aarch64-unknown-linux-gnu-pkg-config`
# when that is not the platform it runs on).  It searches only the
# pkg-config directories of dependencies of that role (setup.sh collects
# them per platform salt), never the machine's own /usr.
{ lib, stdenvNoCC, pkgconf }:
let
  inherit (stdenvNoCC) hostPlatform targetPlatform;
  targetPrefix = lib.optionalString (targetPlatform != hostPlatform) "${targetPlatform.config}-";
  salt = builtins.replaceStrings [ "-" "." ] [ "_" "_" ] targetPlatform.config;
  wrapper = "$out/bin/${targetPrefix}pkg-config";
in
stdenvNoCC.mkDerivation {
  pname = "${targetPrefix}pkg-config-wrapper";
  inherit (pkgconf) version;
  dontUnpack = true;
  dontConfigure = true;
  dontBuild = true;
  installPhase = ''
    mkdir -p "$out/bin" "$out/nix-support"
    {
      echo "#!$SHELL"
      echo 'export PKG_CONFIG_PATH="''${PKG_CONFIG_PATH_${salt}-}"'
      echo 'export PKG_CONFIG_LIBDIR="$PKG_CONFIG_PATH"'
      echo 'exec ${pkgconf}/bin/pkgconf "$@"'
    } > "${wrapper}"
    chmod +x "${wrapper}"
    echo 'export PKG_CONFIG=${targetPrefix}pkg-config' > "$out/nix-support/setup-hook"
  '';
  passthru = {
    inherit targetPrefix;
    unwrapped = pkgconf;
  };
  meta.description = "pkg-config (pkgconf) for ${targetPlatform.config} libraries";
}
