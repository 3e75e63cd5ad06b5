# cross.md §7.2, §10, §13.F (other assertions): naming, system, strictDeps,
# configure flags, doCheck, meta.platforms, passthru, trivial builders.
let
  h = import ./_helpers.nix;
  inherit (h) lib N X pkgsWith throws tri x a;
  linuxOnly = p: p.callPackage ({ stdenv, lib }: stdenv.mkDerivation { pname = "lo"; version = "1"; meta.platforms = lib.platforms.linux; }) { };
in
h.runTests {
  testNames = { expr = [ X.hello.name N.hello.name ]; expected = [ "hello-aarch64-unknown-linux-gnu-2.10" "hello-2.10" ]; };
  testMuslName = { expr = N.pkgsCross.musl64.hello.name; expected = "hello-x86_64-unknown-linux-musl-2.10"; };
  testStaticName = { expr = lib.hasInfix "-static-x86_64-unknown-linux-musl-" N.pkgsStatic.hello.name; expected = true; };
  testNameWithoutPname = { expr = (X.callPackage ({ stdenv }: stdenv.mkDerivation { name = "plain-1"; }) { }).name; expected = "plain-1-aarch64-unknown-linux-gnu"; };
  testNoSuffixWithoutCC = { expr = (X.runCommand "rc" { } "").name; expected = "rc"; };
  testNoSuffixFixedOutput = {
    expr = (X.callPackage ({ stdenv }: stdenv.mkDerivation { name = "src.tar"; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; outputHashMode = "flat"; }) { }).name;
    expected = "src.tar";
  };
  testSystem = { expr = [ X.hello.system X.stdenv.system N.hello.system ]; expected = [ "x86_64-linux" "aarch64-linux" "x86_64-linux" ]; };
  testStrictDeps = { expr = [ X.hello.strictDeps N.hello.strictDeps ]; expected = [ true false ]; };
  testConfigureFlags = {
    expr = [ (builtins.elem "--build=x86_64-unknown-linux-gnu" X.hello.configureFlags) (builtins.elem "--host=aarch64-unknown-linux-gnu" X.hello.configureFlags) N.hello.configureFlags ];
    # hello's own flag first; natively no platform flags are added.
    expected = [ true true [ "--disable-nls" ] ];
  };
  testConfigurePlatformsTarget = {
    expr = (X.callPackage ({ stdenv }: stdenv.mkDerivation { pname = "t"; version = "1"; configurePlatforms = [ "build" "host" "target" ]; configureFlags = [ "--foo" ]; }) { }).configureFlags;
    expected = [ "--foo" "--build=x86_64-unknown-linux-gnu" "--host=aarch64-unknown-linux-gnu" "--target=aarch64-unknown-linux-gnu" ];
  };
  testConfigurePlatformsByDefault = { expr = (pkgsWith { config.configurePlatformsByDefault = true; }).hello.configureFlags; expected = [ "--disable-nls" "--build=${x}" "--host=${x}" ]; };
  testDoCheckCross = { expr = (X.hello.overrideAttrs { doCheck = true; }).doCheck; expected = false; };
  testDoCheckMusl = { expr = (N.pkgsCross.musl64.hello.overrideAttrs { doCheck = true; }).doCheck; expected = true; };
  testDoCheckNative = { expr = N.hello.doCheck; expected = true; };
  testDoCheckI686 = { expr = N.pkgsCross.gnu32.hello.doCheck; expected = true; };
  testManualDoCheckIdiom = {
    expr = map (p: (p.callPackage ({ stdenv }: stdenv.mkDerivation { pname = "m"; version = "1"; doCheck = stdenv.buildPlatform.canExecute stdenv.hostPlatform; }) { }).doCheck) [ N X ];
    expected = [ true false ];
  };
  testPassthru = {
    expr = let p = N.callPackage ({ stdenv }: stdenv.mkDerivation { pname = "p"; version = "1"; passthru.extra = 42; }) { }; in [ p.extra p.passthru.extra (p.drvAttrs ? extra) (p.drvAttrs ? passthru) ];
    expected = [ 42 42 false false ];
  };
  testMeta = { expr = [ N.hello.meta.mainProgram N.hello.meta.available ]; expected = [ "hello" true ]; };
  testOutputs = { expr = [ X.libgreet.outputs X.libgreet.dev.outputName (X.libgreet.out == X.libgreet) ]; expected = [ [ "out" "dev" ] "dev" true ]; };
  testUnsupportedRefused = { expr = throws (linuxOnly N.pkgsCross.mingwW64).drvPath; expected = true; };
  testUnsupportedNameStillEvaluates = { expr = (linuxOnly N.pkgsCross.mingwW64).name; expected = "lo-x86_64-w64-mingw32-1"; };
  testUnsupportedAvailable = { expr = (linuxOnly N.pkgsCross.mingwW64).meta.available; expected = false; };
  testUnsupportedAllowed = {
    expr = builtins.isString (linuxOnly (pkgsWith { config.allowUnsupportedSystem = true; }).pkgsCross.mingwW64).drvPath;
    expected = true;
  };
  testSupportedFine = { expr = builtins.isString (linuxOnly X).drvPath; expected = true; };
  testBroken = { expr = throws (N.hello.overrideAttrs { meta.broken = true; }).drvPath; expected = true; };
  testBuilder = { expr = [ (lib.hasSuffix "/bin/bash" N.hello.builder) (lib.hasSuffix "default-builder.sh" (builtins.elemAt N.hello.args 1)) ]; expected = [ true true ]; };
  testEnv = { expr = (N.callPackage ({ stdenv }: stdenv.mkDerivation { pname = "e"; version = "1"; env.FOO = "bar"; }) { }).drvAttrs.FOO; expected = "bar"; };
  testClosureInEnv = { expr = map (d: d.pname) X.greeter.drvAttrs.depsClosureHostTarget; expected = [ "libgreet" "libgreet" ]; };

  # Trivial builders.
  testRunCommand = { expr = (N.runCommand "foo" { x = 1; } "touch $out").name; expected = "foo"; };
  testRunCommandCC = { expr = [ (X.runCommandCC "cc" { } "").stdenv.cc.targetPrefix (X.runCommand "nocc" { } "").stdenv.hasCC ]; expected = [ "aarch64-unknown-linux-gnu-" false ]; };
  testWriteText = { expr = (N.writeText "greeting" "hi").name; expected = "greeting"; };
  testWriteShellScriptBin = { expr = [ (N.writeShellScriptBin "hey" "echo hey").name (N.writeShellScriptBin "hey" "echo hey").meta.mainProgram ]; expected = [ "hey" "hey" ]; };
  testWriteShellScript = { expr = (N.writeShellScript "s" "true").executable; expected = true; };
  testSymlinkJoin = { expr = (N.symlinkJoin { name = "both"; paths = [ N.hello N.greeter ]; }).name; expected = "both"; };
  testGetExe = { expr = lib.hasSuffix "/bin/hello" (lib.getExe N.hello); expected = true; };
}
