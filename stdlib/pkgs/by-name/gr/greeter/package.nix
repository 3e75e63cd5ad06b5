# A program linking libgreet through buildInputs: the host compiler gets
# libgreet's include/ and lib/ (and, on ELF, an rpath to it).
{ lib, stdenv, libgreet }:
stdenv.mkDerivation {
  pname = "greeter";
  version = "1.0";
  src = ./src;
  buildInputs = [ libgreet ];
  makeFlags = [ "PREFIX=${placeholder "out"}" ];
  meta = {
    description = "Greets through libgreet";
    mainProgram = "greeter";
    platforms = lib.platforms.all;
  };
}
