# Test programs for build-checks.sh, added to the package set as an overlay:
# each links one library found through `pkg-config` (the wrapper of the
# platform it builds for), so a cross build proves that the host's library,
# not the build machine's, was found.
final: prev:
let
  program =
    {
      name,
      library,
      module,
    }:
    final.callPackage (
      { stdenv, pkg-config, lib' }:
      stdenv.mkDerivation {
        pname = name;
        version = "1";
        src = ./programs + "/${name}.c";
        dontUnpack = true;
        nativeBuildInputs = [ pkg-config ];
        buildInputs = [ lib' ];
        buildPhase = ''
          $CC -o ${name} "$src" $($PKG_CONFIG --cflags --libs ${module})
        '';
        installPhase = ''
          mkdir -p "$out/bin"
          cp ${name} "$out/bin/"
        '';
      }
    ) { lib' = library; };
in
{
  zlibProgram = program {
    name = "zlib-program";
    library = final.zlib;
    module = "zlib";
  };
  pixmanProgram = program {
    name = "pixman-program";
    library = final.pixman;
    module = "pixman-1";
  };
  # The cookbook's case: a Meson build that runs a host program while
  # building, with mesonEmulatorHook only where the build machine cannot
  # run it natively.
  mesonEmulatedProgram = final.callPackage (
    { lib, stdenv, meson, ninja, mesonEmulatorHook }:
    stdenv.mkDerivation {
      pname = "meson-emulated";
      version = "1";
      src = ./programs/meson-emulated;
      nativeBuildInputs = [
        meson
        ninja
      ]
      ++ lib.optionals (!stdenv.buildPlatform.canExecute stdenv.hostPlatform) [ mesonEmulatorHook ];
    }
  ) { };
  jsonProgram = program {
    name = "json-program";
    library = final.json-c;
    module = "json-c";
  };
}
