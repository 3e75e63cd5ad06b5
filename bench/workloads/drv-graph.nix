# Derivation-heavy: 9,000 `derivation` calls in chains with fan-in, the shape of a package
# set being instantiated. Every node depends on its predecessor and a shared base (through
# attributes and string interpolation), on two earlier nodes, every 20th on 15 more, and
# every 10th has two outputs. Every drvPath and outPath is forced, in order (so recursion
# stays shallow); the value is a hash of them all, identical only if every .drv is.
let
  inherit (builtins) elemAt genList concatStringsSep hashString;
  n = 9000;
  common = {
    system = "x86_64-linux";
    builder = "/bin/sh";
    PATH = "/usr/bin:/bin";
  };
  base = derivation (common // {
    name = "base-1.0";
    args = [ "-c" "echo base > $out" ];
  });
  node = i:
    let
      prev = elemAt nodes (i - 1);
      half = elemAt nodes (i / 2);
      third = elemAt nodes (i * 2 / 3);
    in
    derivation (common // {
      name = "node-${toString i}-0.${toString (builtins.bitAnd i 15)}";
      args = [ "-c" "mkdir -p $out; echo ${toString i} > $out/id" ];
      inherit base;
      version = "0.${toString i}";
      configureFlags = [ "--prefix=${base}" "--enable-node-${toString i}" ];
    } // (if i == 0 then { } else {
      inherit prev;
      buildInputs = [ half "${third}/lib" ];
      NIX_CFLAGS = "-I${base}/include -I${half}/include";
    }) // (if i >= 15 && builtins.bitAnd i 3 == 0 && i - (i / 20) * 20 == 0 then {
      propagated = genList (j: elemAt nodes (i - 1 - j)) 15;
    } else { }) // (if i - (i / 10) * 10 == 0 then {
      outputs = [ "out" "dev" ];
    } else { }));
  nodes = genList node n;
  paths = map (d: "${d.drvPath}=${d.outPath}") nodes;
in
{
  count = builtins.length paths;
  digest = hashString "sha256" (concatStringsSep "\n" paths);
  dev = (elemAt nodes 8990).dev.outPath;
}
