# A package that must run a program of its host platform while building:
# it compiles probe.c for the host and runs it to record facts about the
# host (pointer size, byte order) in share/hostinfo.txt.  Where the build
# platform cannot execute the host's programs it runs them through
# `stdenv.hostPlatform.emulator buildPackages` (qemu-user for Linux).
{ lib, stdenv, buildPackages }:
let
  emulator = lib.optionalString (
    !(stdenv.buildPlatform.canExecute stdenv.hostPlatform)
  ) (stdenv.hostPlatform.emulator buildPackages);
in
stdenv.mkDerivation {
  pname = "hostinfo";
  version = "1.0";
  src = ./src;
  makeFlags = [
    "PREFIX=${placeholder "out"}"
    "RUN=${emulator}"
  ];
  passthru = { inherit emulator; };
  meta = {
    description = "Facts about the host platform, measured at build time";
    platforms = lib.platforms.linux ++ lib.platforms.windows;
  };
}
