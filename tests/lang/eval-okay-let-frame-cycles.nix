# `let` frames that their own bindings point back at (local functions, unforced
# thunks, lists of them, `map` over a local function) are freed when the `let` is done
# unless the result still uses them: every shape below must keep working afterwards.
let
  step = i:
    let
      f = x: x + y;
      y = i;
      xs = [ i (i + 1) (i + 2) ];
      mapped = map (x: { v = x * 2; w = f x; }) xs;
      self = { a = self.b; b = i; };
    in
    (builtins.elemAt mapped 1).v + self.a;
  returnsClosure = let f = x: x + y; y = 10; in f;
  returnsThunks = let a = 1; b = a + 1; in { inherit b; c = a + b; };
  returnsList = i: let xs = [ (i + 1) (i + 2) ]; g = x: x; in xs;
  returnsMapped = let f = x: x * 2; unused = y: y; in map f [ 1 2 3 ];
  appliedAtOnce = (let f = x: x * 3; in f) 7;
  nested = i: let outer = x: let inner = y: x + y + i; in inner; in (outer 1) 2;
  failing = let f = x: throw "no ${toString x}"; in builtins.tryEval (f 1);
  laterForced = builtins.genList (i: let h = x: x + i; l = [ (h 1) (h 2) ]; in builtins.elemAt l 1) 5;
  recSet = i: let r = rec { a = i; b = a + 1; f = x: x + b; }; in r.f 1;
in
[
  (builtins.foldl' (acc: i: acc + step i) 0 (builtins.genList (i: i) 2000))
  (returnsClosure 5)
  returnsThunks
  (builtins.foldl' (acc: i: acc + builtins.elemAt (returnsList i) 1) 0 (builtins.genList (i: i) 100))
  returnsMapped
  appliedAtOnce
  (nested 3)
  failing
  laterForced
  (recSet 4)
  (map (i: returnsClosure i) [ 1 2 ])
]
