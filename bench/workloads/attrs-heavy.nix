# Attrset-heavy: a 60,000-key `listToAttrs`, `//` merges, `mapAttrs`, `removeAttrs`,
# `attrNames`/`attrValues`, `?`, dynamic `${k}` lookups, `intersectAttrs`, `catAttrs` and
# 20,000 incremental `acc // { … }` merges (the shape of an overlay chain).
let
  inherit (builtins) genList listToAttrs mapAttrs attrNames attrValues foldl' length
    intersectAttrs catAttrs removeAttrs;
  n = 60000;
  key = i: "k${toString i}";
  names = genList key n;
  big = listToAttrs (genList (i: { name = key i; value = i; }) n);
  thirds = listToAttrs (genList (i: { name = key (i * 3); value = { a = i; b = -i; }; }) (n / 3));
  merged = big // mapAttrs (k: v: v.a) thirds;
  bumped = mapAttrs (k: v: v + 1) merged;
  odd = genList (i: key (i * 2 + 1)) (n / 2);
  evens = removeAttrs bumped odd;
  present = foldl' (acc: k: if evens ? ${k} then acc + evens.${k} else acc - 1) 0 names;
  common = intersectAttrs thirds evens;
  picked = catAttrs "a" (attrValues thirds);
  # An overlay chain: each step sets one of 1,000 names and overrides a few shared ones.
  chain = foldl' (acc: i: acc // {
    "x${toString (i - (i / 1000) * 1000)}" = i;
    latest = i;
    slot = if acc ? slot then acc.slot + 1 else 0;
  }) { } (genList (i: i) 20000);
  chainSum = foldl' (s: k: s + chain.${k}) 0 (attrNames chain);
in
[
  (length (attrNames merged))
  (length (attrValues evens))
  present
  (length (attrNames common))
  (foldl' (a: b: a + b) 0 picked)
  chainSum
  chain.slot
  (bumped.k59999 + evens.k0)
]
