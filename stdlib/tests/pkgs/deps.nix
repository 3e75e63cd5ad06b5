# cross.md §13.F: which variant each dependency list selects, on five cross
# targets and natively; the unspliced pitfall; the cookbook's build compiler;
# propagation through the closure helper; the manual's g++ example.
let
  h = import ./_helpers.nix;
  inherit (h) lib N X pkgsWith throws tri x a;
  inherit (builtins) head;

  lists = [
    { name = "depsBuildBuild"; host = -1; target = -1; }
    { name = "nativeBuildInputs"; host = -1; target = 0; }
    { name = "depsBuildTarget"; host = -1; target = 1; }
    { name = "depsHostHost"; host = 0; target = 0; }
    { name = "buildInputs"; host = 0; target = 1; }
    { name = "depsTargetTarget"; host = 1; target = 1; }
    { name = "depsBuildBuildPropagated"; host = -1; target = -1; }
    { name = "propagatedNativeBuildInputs"; host = -1; target = 0; }
    { name = "depsBuildTargetPropagated"; host = -1; target = 1; }
    { name = "depsHostHostPropagated"; host = 0; target = 0; }
    { name = "propagatedBuildInputs"; host = 0; target = 1; }
    { name = "depsTargetTargetPropagated"; host = 1; target = 1; }
  ];

  # For a package p: per list, [ dep host config, dep target config ] and
  # what the offsets say they should be.
  selection =
    p:
    let
      byOffset = o: (if o == -1 then p.stdenv.buildPlatform else if o == 0 then p.stdenv.hostPlatform else p.stdenv.targetPlatform).config;
    in
    map (l: {
      inherit (l) name;
      got = let d = head p.${l.name}; in [ d.stdenv.hostPlatform.config d.stdenv.targetPlatform.config ];
      want = [ (byOffset l.host) (byOffset l.target) ];
    }) lists;
  mismatches = p: builtins.filter (s: s.got != s.want) (selection p);

  # The manual's nine dependency types, each as (list, what the dependency's
  # host — and for code-emitting ones target — must be).
  nineTypes =
    p:
    let
      b = p.stdenv.buildPlatform.config;
      hh = p.stdenv.hostPlatform.config;
      t = p.stdenv.targetPlatform.config;
      d = name: (head p.${name}).stdenv;
    in
    {
      "build → *" = (d "depsBuildBuild").hostPlatform.config == b && (d "nativeBuildInputs").hostPlatform.config == b;
      "build → build" = tri (d "depsBuildBuild") == [ b b b ];
      "build → host" = [ (d "nativeBuildInputs").hostPlatform.config (d "nativeBuildInputs").targetPlatform.config ] == [ b hh ];
      "build → target" = [ (d "depsBuildTarget").hostPlatform.config (d "depsBuildTarget").targetPlatform.config ] == [ b t ];
      "host → *" = (d "depsHostHost").hostPlatform.config == hh && (d "buildInputs").hostPlatform.config == hh;
      "host → host" = [ (d "depsHostHost").hostPlatform.config (d "depsHostHost").targetPlatform.config ] == [ hh hh ];
      "host → target" = [ (d "buildInputs").hostPlatform.config (d "buildInputs").targetPlatform.config ] == [ hh t ];
      "target → *" = (d "depsTargetTarget").hostPlatform.config == t;
      "target → target" = [ (d "depsTargetTarget").hostPlatform.config (d "depsTargetTarget").targetPlatform.config ] == [ t t ];
    };
  allTrue = set: builtins.attrNames (lib.filterAttrs (_: ok: !ok) set);

  targets = [ "aarch64-multiplatform" "riscv64" "armv7l-hf-multiplatform" "mingwW64" "s390x" ];

  probeIn = p: q: tri (head p.${q}).stdenv;
  P = X.deps-probe;
  S1 = X.buildPackages.deps-probe;

  cpq = attrs: X.callPackage ({ stdenv, zlib }: stdenv.mkDerivation ({ pname = "q"; version = "1"; } // attrs zlib)) { };

  Xp = X;
  closure = X.dependencyClosure;
  # A multiple-output dependency is named with its output (zlib has `dev`, which brings `out`).
  names = map (d: d.pname + lib.optionalString ((d.outputs or [ "out" ]) != [ "out" ]) ".${d.outputName}");
  hosts = map (d: d.stdenv.hostPlatform.config);
in
h.runTests {
  testProbeS2 = {
    expr = map (probeIn P) [ "depsBuildBuild" "nativeBuildInputs" "depsBuildTarget" "depsHostHost" "buildInputs" "depsTargetTarget" ];
    expected = [ [ x x x ] [ x x a ] [ x x a ] [ x a a ] [ x a a ] [ x a a ] ];
  };
  testProbeS2Propagated = {
    expr = map (probeIn P) [ "depsBuildBuildPropagated" "propagatedNativeBuildInputs" "depsBuildTargetPropagated" "depsHostHostPropagated" "propagatedBuildInputs" "depsTargetTargetPropagated" ];
    expected = [ [ x x x ] [ x x a ] [ x x a ] [ x a a ] [ x a a ] [ x a a ] ];
  };
  testProbeS1 = {
    expr = map (probeIn S1) [ "depsBuildBuild" "nativeBuildInputs" "depsBuildTarget" "depsHostHost" "buildInputs" "depsTargetTarget" ];
    expected = [ [ x x x ] [ x x x ] [ x x a ] [ x x x ] [ x x a ] [ x a a ] ];
  };
  testProbeNative = {
    expr = lib.unique (map (l: probeIn N.deps-probe l.name) lists);
    expected = [ [ x x x ] ];
  };
  # The selected output of a dependency with headers is its `dev`.
  testProbeNativeIsZlib = { expr = head N.deps-probe.nativeBuildInputs == N.zlib.dev; expected = true; };

  # The twelve lists follow their offsets, and the nine dependency types
  # hold, on five cross targets (and in each target's S1).
  testOffsetsFiveTargets = {
    expr = lib.genAttrs targets (n: mismatches h.N.pkgsCross.${n}.deps-probe);
    expected = lib.genAttrs targets (_: [ ]);
  };
  testOffsetsFiveTargetsS1 = {
    expr = lib.genAttrs targets (n: mismatches h.N.pkgsCross.${n}.buildPackages.deps-probe);
    expected = lib.genAttrs targets (_: [ ]);
  };
  testNineTypesFiveTargets = {
    expr = lib.genAttrs targets (n: allTrue (nineTypes h.N.pkgsCross.${n}.deps-probe));
    expected = lib.genAttrs targets (_: [ ]);
  };
  testNineTypesHostConfigs = {
    expr = map (n: (head h.N.pkgsCross.${n}.deps-probe.buildInputs).stdenv.hostPlatform.config) targets;
    expected = [ a "riscv64-unknown-linux-gnu" "armv7l-unknown-linux-gnueabihf" "x86_64-w64-mingw32" "s390x-unknown-linux-gnu" ];
  };

  # Pitfall (cross.md §7.1): explicit arguments are not spliced.
  testSplicedNative = { expr = (head (cpq (z: { nativeBuildInputs = [ z ]; })).nativeBuildInputs).stdenv.hostPlatform.config; expected = x; };
  testUnsplicedPitfall = {
    expr = (head (X.callPackage ({ stdenv, zlib }: stdenv.mkDerivation { pname = "q"; version = "1"; nativeBuildInputs = [ zlib ]; }) { zlib = X.zlib; }).nativeBuildInputs).stdenv.hostPlatform.config;
    expected = a;
  };
  testExplicitBuildPackages = {
    expr = (head (cpq (z: { nativeBuildInputs = [ X.buildPackages.zlib ]; })).nativeBuildInputs).stdenv.hostPlatform.config;
    expected = x;
  };
  testGetDev = { expr = (head X.greeter.buildInputs).outputName; expected = "dev"; };
  testGetDevNoDev = { expr = (head (cpq (z: { buildInputs = [ X.__splicedPackages.libfoo ]; })).buildInputs).outputName; expected = "out"; };

  # Cookbook: depsBuildBuild = [ buildPackages.stdenv.cc ].
  testCookbookBuildCc = {
    expr = let d = head X.gentable.depsBuildBuild; in [ d.targetPrefix (tri d.stdenv) d.name ];
    expected = [ "" [ x x x ] "gcc-wrapper-11.3.0" ];
  };
  testCookbookHostCc = { expr = X.gentable.stdenv.cc.targetPrefix; expected = "aarch64-unknown-linux-gnu-"; };
  testCookbookMakeFlags = { expr = builtins.elem "CC=aarch64-unknown-linux-gnu-cc" X.gentable.makeFlags; expected = true; };

  testInvalidElement = { expr = throws (cpq (z: { nativeBuildInputs = [ { foo = 1; } ]; })).nativeBuildInputs; expected = true; };
  testNestedListsFlattened = { expr = builtins.length (cpq (z: { buildInputs = [ [ z [ z ] ] null "x" ]; })).buildInputs; expected = 4; };
  testCheckInputsOnlyWhenChecking = {
    expr = [
      (builtins.length (N.callPackage ({ stdenv, zlib }: stdenv.mkDerivation { pname = "c"; version = "1"; doCheck = true; checkInputs = [ zlib ]; }) { }).buildInputs)
      (builtins.length (cpq (z: { doCheck = true; checkInputs = [ z ]; })).buildInputs)
    ];
    expected = [ 1 0 ];
  };

  # Propagation (cross.md §7.3).
  testClosureBarHostTarget = {
    expr = let c = closure X.bar; in [ (names c.hostTarget) (hosts c.hostTarget) ];
    expected = [ [ "libfoo" "zlib.dev" "zlib.out" ] [ a a a ] ];
  };
  testClosureBarBuildHost = { expr = let c = closure X.bar; in [ (names c.buildHost) (hosts c.buildHost) ]; expected = [ [ "tool" ] [ x ] ]; };
  testClosureTool2BuildVariant = {
    expr = let c = closure (cpq (z: { nativeBuildInputs = [ X.__splicedPackages.tool2 ]; })); in [ (names c.buildHost) (hosts c.buildHost) ];
    expected = [ [ "tool2" "zlib.dev" "zlib.out" ] [ x x x ] ];
  };
  testClosureDroppedMinus2 = {
    expr = let c = closure (cpq (z: { nativeBuildInputs = [ X.__splicedPackages.tool3 ]; })); in lib.mapAttrs (_: names) c;
    expected = { buildBuild = [ ]; buildHost = [ "tool3" ]; buildTarget = [ ]; hostHost = [ ]; hostTarget = [ ]; targetTarget = [ ]; };
  };
  testClosureDevBringsOut = {
    expr = map (d: d.outputName) (closure X.greeter).hostTarget;
    expected = [ "dev" "out" ];
  };
  testClosureDedup = {
    expr = names (closure (cpq (z: { buildInputs = [ X.__splicedPackages.libfoo z z ]; }))).hostTarget;
    expected = [ "libfoo" "zlib.dev" "zlib.out" ];
  };
  # cross.md §7.3 truth table (x = dropped, i.e. below -1); the (1,1,1) cell is not tested.
  testMapOffsetTable = {
    expr =
      let
        m = X.stdenv.mapOffset;
        show = v: if v < -1 then "x" else toString v;
      in
      map (ht: map (i: show (m (builtins.elemAt ht 0) (builtins.elemAt ht 1) i)) [ (-1) 0 1 ]) [ [ (-1) (-1) ] [ (-1) 0 ] [ (-1) 1 ] [ 0 0 ] [ 0 1 ] ];
    expected = [ [ "x" "-1" "-1" ] [ "x" "-1" "0" ] [ "x" "-1" "1" ] [ "-1" "0" "0" ] [ "-1" "0" "1" ] ];
  };

  # The manual's g++ example: build g++ with (b, h, t) = (x, a, a).
  testToyGxx = {
    expr =
      let
        toyGxx = X.callPackage (
          { stdenv, glibc, gcc, buildPackages, libgcc }:
          stdenv.mkDerivation {
            pname = "toy-gxx";
            version = "1";
            buildInputs = [ glibc ];
            nativeBuildInputs = [ gcc ];
            depsBuildBuild = [ buildPackages.glibc ];
            depsTargetTarget = [ libgcc ];
          }
        ) { libgcc = X.__splicedPackages.zlib; };
        d = n: (head toyGxx.${n}).stdenv;
      in
      [
        (d "buildInputs").hostPlatform.config
        (d "nativeBuildInputs").hostPlatform.config
        (head toyGxx.nativeBuildInputs).targetPrefix
        (d "depsBuildBuild").hostPlatform.config
        (d "depsTargetTarget").hostPlatform.config
      ];
    expected = [ a x "aarch64-unknown-linux-gnu-" x a ];
  };
}
