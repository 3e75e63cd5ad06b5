# GNU tar
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "gnutar";
  version = "1.34";
  src = fetchurl {
    url = "mirror://debian/pool/main/t/tar/tar_${finalAttrs.version}+dfsg.orig.tar.xz";
    hash = "sha256-fVcClUDLkoOU3vs7N3s1MSN8lH55W1GqisrAxboOSEQ=";
  };
  configureFlags = [
    "--disable-nls"
    "--without-selinux"
    "--without-posix-acls"
    "--without-xattrs"
  ];
  # tar's configure refuses to run as root unless told it may.
  FORCE_UNSAFE_CONFIGURE = 1;
  meta = {
    description = "GNU tar";
    mainProgram = "tar";
    platforms = lib.platforms.unix;
  };
})
