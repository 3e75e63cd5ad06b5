# GNU readline, linked against ncurses for its terminal handling.
{ lib, stdenv, fetchurl, ncurses }:
stdenv.mkDerivation (finalAttrs: {
  pname = "readline";
  version = "8.2";
  src = fetchurl {
    url = "mirror://debian/pool/main/r/readline/readline_${finalAttrs.version}.orig.tar.gz";
    hash = "sha256-P+txcfFqhO6CyhijbXub4QmlLAT0kqBTMx19EJUAfDU=";
  };
  outputs = [
    "out"
    "dev"
  ];
  propagatedBuildInputs = [ ncurses ];
  configureFlags = [
    "--with-curses"
    "--disable-install-examples"
  ];
  # Link the shared libraries against ncurses, so users need not name it.
  makeFlags = [ "SHLIB_LIBS=-lncursesw" ];
  meta = {
    description = "GNU readline: line editing for interactive programs";
    platforms = lib.platforms.unix;
  };
})
