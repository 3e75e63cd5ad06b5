# A build tool that stays this machine's Debian program (meson with its
# Python, ninja, cmake: building them and Python from source is beyond a
# 2-core CI run), wrapped as a store path with the setup hook that teaches
# the stdenv to drive it.  Building the wrapper fails naming the Debian
# package to install when the program is missing.
{ lib, stdenvNoCC }:
{
  pname,
  version,
  programs,
  debianPackage,
  setupHook ? null,
}:
stdenvNoCC.mkDerivation (
  {
    inherit pname version;
    dontUnpack = true;
    dontConfigure = true;
    dontBuild = true;
    programs = lib.concatStringsSep " " programs;
    installPhase = ''
      mkdir -p "$out/bin"
      for program in $programs; do
        if [ ! -x "/usr/bin/$program" ]; then
          echo "error: ${pname} is this machine's /usr/bin/$program, which is missing; install it with: apt-get install -y ${debianPackage}" >&2
          exit 1
        fi
        ln -s "/usr/bin/$program" "$out/bin/$program"
      done
    '';
    meta.description = "${pname} from this machine's Debian package ${debianPackage}";
  }
  // lib.optionalAttrs (setupHook != null) { inherit setupHook; }
)
