# Delayed values that read only outer frames capture those frames (`Ir::Up`); these
# shapes mix skipped and read frames so that every variable must still find its slot.
let
  a = 1;
  b = 2;
  outer = x: y: z: {
    # Reads only `x` (two frames up) and `a` (the outermost `let`).
    onlyX = x + a;
    # Reads `z`, then skips nothing.
    withZ = z * 10;
    # A closure reading `y` under a `let` it does not read.
    f = let unused = z; in w: w + y;
    # Nested delayed values: the inner list item skips more than the outer one.
    nested = let p = x; in [ (let q = 5; in [ y q ]) p ];
  };
  r = outer 100 20 3;
  curried = _: v: v;
  threeAtOnce = p: _: q: p + q;
  withs = with { wa = 7; }; with { wb = 8; }; let l = 9; in [ wa (let m = 1; in wb + m) l ];
  recSet = rec {
    s1 = a + b;
    s2 = s1 * 2;
    s3 = let t = b; in x: x + t;
    inherit (r) onlyX;
  };
  defaults = { d1 ? a + 1, d2 ? d1 + 1, d3 ? (q: q + b) }: [ d1 d2 (d3 1) ];
  inheritFrom = let src = { k = 42; }; in { inherit (src) k; other = b; };
  deep = let l1 = 1; in let l2 = 2; in let l3 = 3; in let l4 = 4; in
    { sum = a + b; inner = (u: u + l1) l4; lst = [ (x: x + l2) ]; };
in [
  r.onlyX r.withZ (r.f 1) r.nested
  (curried 1 2) (threeAtOnce 1 2 3)
  withs
  recSet.s1 recSet.s2 (recSet.s3 1) recSet.onlyX
  (defaults { }) (defaults { d1 = 10; })
  inheritFrom
  deep.sum deep.inner ((builtins.head deep.lst) 5)
  (builtins.map (f: f 2) [ (x: x + a) (x: _: x) ])
]
++ (let m = builtins.scopedImport { s = 5; } ./data/skipped-frames-scoped.nix; in [ (m.get null) (m.add 1 2) ])
