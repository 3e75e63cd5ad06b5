# nix-flags: --read-write-mode
# Instantiation: 3000 derivations, each depending on two earlier ones (through
# interpolation and a plain attribute), multiple outputs on some; forcing every drvPath
# computes hash-modulo chains and writes 3000 .drv files. Evaluates to the count.
let
  n = 3000;
  node = i: derivation ({
    name = "node-${toString i}";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo ${toString i} > $out" ];
  } // (if i < 2 then { } else {
    prev = builtins.elemAt nodes (i - 1);
    half = "${builtins.elemAt nodes (i / 2)}/lib";
  }) // (if builtins.bitAnd i 7 == 0 then { outputs = [ "out" "dev" ]; } else { }));
  nodes = builtins.genList node n;
in
builtins.foldl' (count: d: builtins.seq d.drvPath (count + 1)) 0 nodes
