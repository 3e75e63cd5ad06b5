# GNU coreutils: the basic file, shell and text utilities
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "coreutils";
  version = "9.1";
  src = fetchurl {
    url = "mirror://debian/pool/main/c/coreutils/coreutils_${finalAttrs.version}.orig.tar.xz";
    hash = "sha256-YaH0ENeLp+fzelpPUObRMgrKMzdUhKMlXt3xejhYBCM=";
  };
  configureFlags = [
    "--disable-nls"
    "--without-selinux"
    "--disable-libcap"
    "--without-openssl"
    "--without-gmp"
    "--disable-acl"
    "--disable-xattr"
  ];
  # coreutils' configure refuses to run as root unless told it may.
  FORCE_UNSAFE_CONFIGURE = 1;
  meta = {
    description = "GNU coreutils: the basic file, shell and text utilities";
    mainProgram = "ls";
    platforms = lib.platforms.unix;
  };
})
