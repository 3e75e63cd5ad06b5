# config.sub and config.guess that know today's targets (riscv64, …), from
# Debian's autotools-dev.  The stdenv puts them in place of the copies an
# unpacked source tree carries (often a decade old) before configuring.
{ stdenvNoCC, fetchurl }:
stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "gnu-config";
  version = "20240727.1";
  src = fetchurl {
    url = "mirror://debian/pool/main/a/autotools-dev/autotools-dev_${finalAttrs.version}_all.deb";
    hash = "sha256-0H1HbB/NcT7QRpXyWsKQw64jF+b9l0rWshaOO+HHlcM=";
  };
  unpackPhase = ''
    ar x "$src" data.tar.xz
    tar xf data.tar.xz ./usr/share/misc/config.guess ./usr/share/misc/config.sub
  '';
  dontConfigure = true;
  dontBuild = true;
  installPhase = ''
    install -D -m 755 usr/share/misc/config.guess "$out/config.guess"
    install -D -m 755 usr/share/misc/config.sub "$out/config.sub"
  '';
  dontFixup = true;
  meta.description = "config.sub and config.guess (from Debian's autotools-dev)";
})
