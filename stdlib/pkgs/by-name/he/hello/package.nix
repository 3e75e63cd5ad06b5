# GNU hello's role in nixpkgs, played by our own program: prints
# "Hello, world!".  Autoconf-style: `configure --build=… --host=…` (the
# cross flags come from mkDerivation), `make`, `make check` (which runs the
# program, so checks run only where the build platform can execute the host's
# programs), `make install`.
{ lib, stdenv }:
stdenv.mkDerivation (finalAttrs: {
  pname = "hello";
  version = "2.12.1";

  src = ./src;

  doCheck = true;

  meta = {
    description = "A program that greets the world";
    mainProgram = "hello";
    # No `platforms`: it is plain C and evaluates for every example platform.
  };
})
