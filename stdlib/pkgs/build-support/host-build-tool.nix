# A program that stays this machine's Debian program, wrapped as a store
# path: the build tools meson (with its Python), ninja and cmake (building
# them and Python from source is beyond a 2-core CI run) with the setup
# hooks that teach the stdenv to drive them, and the runners the package
# set only names (wine, node, wasmtime).  Building the wrapper fails naming
# the Debian package to install when the program is missing.
{ lib, stdenvNoCC }:
{
  pname,
  version,
  programs,
  debianPackage,
  setupHook ? null,
  stdenv ? stdenvNoCC,
  passthru ? { },
}:
stdenv.mkDerivation (
  {
    inherit pname version passthru;
    dontUnpack = true;
    dontConfigure = true;
    dontBuild = true;
    # The fixup phase stays: it installs the setup hook.  It strips and
    # patches regular files only, never the links to /usr/bin.
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
