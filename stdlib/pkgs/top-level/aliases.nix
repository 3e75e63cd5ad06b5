# Old names kept for compatibility (only when `config.allowAliases`).
{ lib }:
final: prev: {
  runCommandNoCC = final.runCommand;
  gccStdenv = final.stdenv;
  gcc-wrapper = final.gcc;
}
