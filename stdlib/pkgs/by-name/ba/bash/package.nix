# GNU Bourne-Again Shell
{ lib, stdenv, fetchurl, buildPackages }:
stdenv.mkDerivation (finalAttrs: {
  pname = "bash";
  version = "5.2.15";
  src = fetchurl {
    url = "mirror://debian/pool/main/b/bash/bash_${finalAttrs.version}.orig.tar.gz";
    hash = "sha256-ejFbwOnZBxMVnkOQ7BCWpB5PM82Mw9GnSajlrVZgD1E=";
  };
  configureFlags = [
    "--disable-nls"
    "--without-bash-malloc"
    "--disable-readline"
  ];
  # bash compiles helper programs (mkbuiltins, …) that run while building.
  depsBuildBuild = lib.optionals (stdenv.buildPlatform != stdenv.hostPlatform) [ buildPackages.stdenv.cc ];
  postInstall = "ln -s bash $out/bin/sh";
  meta = {
    description = "GNU Bourne-Again Shell";
    mainProgram = "bash";
    platforms = lib.platforms.unix;
  };
})
