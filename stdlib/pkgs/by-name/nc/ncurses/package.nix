# ncurses, wide-character, shared, with pkg-config files.  Its build runs
# generators compiled for the build platform (BUILD_CC).
{ lib, stdenv, fetchurl, buildPackages }:
stdenv.mkDerivation (finalAttrs: {
  pname = "ncurses";
  version = "6.4";
  src = fetchurl {
    url = "mirror://debian/pool/main/n/ncurses/ncurses_${finalAttrs.version}.orig.tar.gz";
    hash = "sha256-aTEoPZrIfFBz8wtikMTHXyFjK7T8NgOsgQCBK+0kgVk=";
  };
  outputs = [
    "out"
    "dev"
  ];
  depsBuildBuild = [ buildPackages.stdenv.cc ];
  configureFlags = [
    "--with-shared"
    "--without-debug"
    "--without-ada"
    "--without-cxx-binding"
    "--without-manpages"
    "--without-tests"
    "--enable-widec"
    "--enable-pc-files"
    "--disable-stripping"
    "--with-pkg-config-libdir=${placeholder "dev"}/lib/pkgconfig"
    "--with-build-cc=cc"
  ]
  # The terminal database is compiled by the `tic` just built, which cannot
  # run on the build machine when cross-compiling: leave the database out.
  ++ lib.optional (stdenv.buildPlatform != stdenv.hostPlatform) "--disable-db-install";
  # The config script names the headers (in `dev`) and `dev` names the
  # libraries (in `out`): it goes to `dev`, so the outputs do not refer to
  # each other both ways.  Then the names programs use without the "w"
  # (<curses.h>, -lncurses).
  postInstall = ''
    mkdir -p "$dev/bin"
    mv "$out"/bin/ncurses*-config "$dev/bin/"
    for lib in ncurses form panel menu; do
      ln -s lib''${lib}w.so "$out/lib/lib$lib.so"
      ln -s ''${lib}w.pc "$dev/lib/pkgconfig/$lib.pc"
    done
    ln -s ncursesw "$dev/include/ncurses"
    for h in "$dev"/include/ncursesw/*.h; do ln -s "ncursesw/$(basename "$h")" "$dev/include/$(basename "$h")"; done
  '';
  meta = {
    description = "ncurses: terminal handling (free software emulation of curses)";
    platforms = lib.platforms.unix;
  };
})
