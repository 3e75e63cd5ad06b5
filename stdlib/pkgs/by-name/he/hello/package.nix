# GNU Hello: the GNU project's example program, which greets the world
{ lib, stdenv, fetchurl }:
stdenv.mkDerivation (finalAttrs: {
  pname = "hello";
  version = "2.10";
  src = fetchurl {
    url = "mirror://debian/pool/main/h/hello/hello_${finalAttrs.version}.orig.tar.gz";
    hash = "sha256-MeBmE3qWJnbon2nRtlOC3pWn732RS4y5VvQepy4PUWs=";
  };
  configureFlags = [
    "--disable-nls"
  ];
  doCheck = true;
  meta = {
    description = "GNU Hello: the GNU project's example program, which greets the world";
    mainProgram = "hello";
    # No `platforms`: plain C, it evaluates for every example platform.
  };
})
