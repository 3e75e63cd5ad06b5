# List functions.  Builtins are used wherever one exists (`genList`,
# `foldl'`, `filter`, `concatMap`, `partition`, `groupBy`, `sort`); no function
# here builds a list with `++` inside a fold.
{ lib }:
let
  b = builtins;
  inherit (b) length elemAt genList filter head tail;

  foldr =
    op: nul: list:
    let
      len = length list;
      go = i: if i == len then nul else op (elemAt list i) (go (i + 1));
    in
    go 0;

  foldl =
    op: nul: list:
    let
      go = i: if i < 0 then nul else op (go (i - 1)) (elemAt list i);
    in
    go (length list - 1);

  findFirstIndex =
    pred: default: list:
    let
      len = length list;
      go = i: if i == len then default else if pred (elemAt list i) then i else go (i + 1);
    in
    go 0;

  sublist =
    start: count: list:
    let
      len = length list;
      n =
        if start >= len || count <= 0 then
          0
        else if start + count > len then
          len - start
        else
          count;
    in
    genList (i: elemAt list (i + start)) n;

  take = count: sublist 0 count;
  drop = count: list: sublist count (length list) list;

  compareLists =
    cmp: xs: ys:
    let
      lx = length xs;
      ly = length ys;
      go =
        i:
        if i == lx then
          (if i == ly then 0 else -1)
        else if i == ly then
          1
        else
          let
            r = cmp (elemAt xs i) (elemAt ys i);
          in
          if r == 0 then go (i + 1) else r;
    in
    go 0;

  reverseList =
    xs:
    let
      l = length xs;
    in
    genList (n: elemAt xs (l - n - 1)) l;

  unique =
    list:
    if list == [ ] then
      [ ]
    else if b.all b.isString list || b.all b.isInt list then
      # genericClosure keeps the first item with each key, in start-set order.
      map (x: x.key) (
        b.genericClosure {
          startSet = map (key: { inherit key; }) list;
          operator = _: [ ];
        }
      )
    else
      let
        keep = i: x: findFirstIndex (y: y == x) null list == i;
        flags = genList (i: keep i (elemAt list i)) (length list);
      in
      b.concatLists (genList (i: if elemAt flags i then [ (elemAt list i) ] else [ ]) (length list));

  listDfs =
    stopOnCycles: before: list:
    let
      step =
        us: visited: rest:
        let
          loops = filter (x: before x us) visited;
          split = b.partition (x: before x us) rest;
        in
        if stopOnCycles && loops != [ ] then
          {
            cycle = us;
            inherit loops visited rest;
          }
        else if split.right == [ ] then
          {
            minimal = us;
            inherit visited rest;
          }
        else
          step (head split.right) ([ us ] ++ visited) (tail split.right ++ split.wrong);
    in
    step (head list) [ ] (tail list);

  toposort =
    before: list:
    let
      first = listDfs true before list;
      others = toposort before (first.visited ++ first.rest);
    in
    if length list < 2 then
      { result = list; }
    else if first ? cycle then
      {
        cycle = reverseList ([ first.cycle ] ++ first.visited);
        inherit (first) loops;
      }
    else if others ? cycle then
      others
    else
      { result = [ first.minimal ] ++ others.result; };

  groupBy =
    b.groupBy or (
      pred: list:
      b.foldl' (
        acc: x:
        let
          k = pred x;
        in
        acc // { ${k} = (acc.${k} or [ ]) ++ [ x ]; }
      ) { } list
    );
in
{
  /**
    The builtins of the same names, re-exported unchanged (see the Nix manual's list of
    built-in functions).
  */
  inherit (b)
    head
    tail
    length
    elemAt
    elem
    filter
    genList
    concatLists
    isList
    map
    any
    all
    partition
    concatMap
    sort
    ;

  /**
    A list with a single element.

    # Example
    ```nix
    singleton "foo"
    => [ "foo" ]
    ```
  */
  singleton = x: [ x ];

  /**
    `map` with the arguments flipped: the list first, then the function.

    # Example
    ```nix
    forEach [ 1 2 ] (x: x * 10)
    => [ 10 20 ]
    ```
  */
  forEach = xs: f: map f xs;

  /**
    Right fold, lazy in the accumulator: `foldr op nul [ x1 x2 ]` is `op x1 (op x2 nul)`.

    # Example
    ```nix
    foldr (x: acc: "${x}${acc}") "z" [ "a" "b" ]
    => "abz"
    ```
  */
  inherit foldr;

  /**
    Deprecated alias of `foldr`.
  */
  fold = foldr;

  /**
    Left fold, lazy in the accumulator: `foldl op nul [ x1 x2 ]` is `op (op nul x1) x2`.

    # Example
    ```nix
    foldl (acc: x: "${acc}${x}") "z" [ "a" "b" ]
    => "zab"
    ```
  */
  inherit foldl;

  /**
    Strict left fold: the accumulator is forced at every step (and initially).

    # Example
    ```nix
    foldl' (acc: x: acc + x) 0 [ 1 2 3 ]
    => 6
    ```
  */
  foldl' = op: acc: b.seq acc (b.foldl' op acc);

  /**
    `map` whose function also receives the 0-based index.

    # Example
    ```nix
    imap0 (i: v: "${v}-${toString i}") [ "a" "b" ]
    => [ "a-0" "b-1" ]
    ```
  */
  imap0 = f: list: genList (n: f n (elemAt list n)) (length list);

  /**
    `map` whose function also receives the 1-based index.

    # Example
    ```nix
    imap1 (i: v: "${v}-${toString i}") [ "a" "b" ]
    => [ "a-1" "b-2" ]
    ```
  */
  imap1 = f: list: genList (n: f (n + 1) (elemAt list n)) (length list);

  /**
    `filter` whose predicate also receives the 0-based index.

    # Example
    ```nix
    ifilter0 (i: v: i == 0 || v > 2) [ 1 2 3 ]
    => [ 1 3 ]
    ```
  */
  ifilter0 =
    ipred: list:
    map (i: elemAt list i) (filter (i: ipred i (elemAt list i)) (genList (i: i) (length list)));

  /**
    Flattens arbitrarily nested lists into one list; a non-list becomes a singleton.

    # Example
    ```nix
    flatten [ 1 [ 2 [ 3 ] ] ]
    => [ 1 2 3 ]
    ```
  */
  flatten = x: if b.isList x then b.concatMap lib.lists.flatten x else [ x ];

  /**
    Removes every element equal to `e`.

    # Example
    ```nix
    remove 3 [ 1 3 4 3 ]
    => [ 1 4 ]
    ```
  */
  remove = e: filter (x: x != e);

  /**
    The only element satisfying `pred`; `default` if there is none, `multiple` if several.

    # Example
    ```nix
    findSingle (x: x == 3) "none" "many" [ 1 3 3 ]
    => "many"
    ```
  */
  findSingle =
    pred: default: multiple: list:
    let
      found = filter pred list;
      n = length found;
    in
    if n == 0 then
      default
    else if n != 1 then
      multiple
    else
      head found;

  /**
    Index of the first element satisfying `pred`, or `default`. Stops at the first match.

    # Example
    ```nix
    findFirstIndex (x: x > 3) null [ 0 6 4 ]
    => 1
    ```
  */
  inherit findFirstIndex;

  /**
    The first element satisfying `pred`, or `default`.

    # Example
    ```nix
    findFirst (x: x > 3) 7 [ 1 6 4 ]
    => 6
    ```
  */
  findFirst =
    pred: default: list:
    let
      i = findFirstIndex pred null list;
    in
    if i == null then default else elemAt list i;

  /**
    Number of elements satisfying `pred`.

    # Example
    ```nix
    count (x: x == 3) [ 3 2 3 4 6 ]
    => 2
    ```
  */
  count = pred: b.foldl' (c: x: if pred x then c + 1 else c) 0;

  /**
    `[ elem ]` if `cond` holds, `[ ]` otherwise.

    # Example
    ```nix
    optional true "foo"
    => [ "foo" ]
    ```
  */
  optional = cond: elem: if cond then [ elem ] else [ ];

  /**
    `elems` if `cond` holds, `[ ]` otherwise.

    # Example
    ```nix
    optionals false [ 1 2 ]
    => [ ]
    ```
  */
  optionals = cond: elems: if cond then elems else [ ];

  /**
    Wraps a non-list in a singleton list; lists are returned unchanged.

    # Example
    ```nix
    toList 1
    => [ 1 ]
    ```
  */
  toList = x: if b.isList x then x else [ x ];

  /**
    The integers from `first` to `last`, both inclusive; empty if `first > last`.

    # Example
    ```nix
    range 2 4
    => [ 2 3 4 ]
    ```
  */
  range = first: last: if first > last then [ ] else genList (n: first + n) (last - first + 1);

  /**
    A list of `n` copies of `elem`.

    # Example
    ```nix
    replicate 3 "a"
    => [ "a" "a" "a" ]
    ```
  */
  replicate = n: elem: genList (_: elem) n;

  /**
    Groups elements by the string `pred` returns; each group keeps the original order.

    # Example
    ```nix
    groupBy (x: if x > 2 then "big" else "small") [ 1 3 2 4 ]
    => { big = [ 3 4 ]; small = [ 1 2 ]; }
    ```
  */
  inherit groupBy;

  /**
    Like `groupBy`, then folds each group with `foldl op nul`.

    # Example
    ```nix
    groupBy' builtins.add 0 (x: if x > 2 then "big" else "small") [ 1 3 2 4 ]
    => { big = 7; small = 3; }
    ```
  */
  groupBy' = op: nul: pred: list: b.mapAttrs (_: foldl op nul) (groupBy pred list);

  /**
    Combines two lists element-wise with `f`; the result is as long as the shorter list.

    # Example
    ```nix
    zipListsWith (a: b: a + b) [ 1 2 ] [ 10 20 30 ]
    => [ 11 22 ]
    ```
  */
  zipListsWith =
    f: fst: snd:
    genList (n: f (elemAt fst n) (elemAt snd n)) (lib.trivial.min (length fst) (length snd));

  /**
    Pairs two lists element-wise into `{ fst; snd; }` sets.

    # Example
    ```nix
    zipLists [ 1 2 ] [ "a" "b" ]
    => [ { fst = 1; snd = "a"; } { fst = 2; snd = "b"; } ]
    ```
  */
  zipLists = lib.lists.zipListsWith (fst: snd: { inherit fst snd; });

  /**
    The list in reverse order.

    # Example
    ```nix
    reverseList [ 1 2 3 ]
    => [ 3 2 1 ]
    ```
  */
  inherit reverseList;

  /**
    Depth-first search for a minimal element under the relation `before`.
    Returns `{ minimal; visited; rest; }`, or, with `stopOnCycles` and a cycle,
    `{ cycle; loops; visited; rest; }`.

    # Example
    ```nix
    listDfs true lib.hasPrefix [ "/home/user" "other" "/" "/home" ]
    => { minimal = "/"; visited = [ "/home/user" ]; rest = [ "/home" "other" ]; }
    ```
  */
  inherit listDfs;

  /**
    Topological sort under `before` (`before a b` means `a` must come first).
    Returns `{ result = [...]; }`, or `{ cycle; loops; }` if there is a cycle.

    # Example
    ```nix
    toposort lib.hasPrefix [ "/home/user" "other" "/" "/home" ]
    => { result = [ "/" "/home" "/home/user" "other" ]; }
    ```
  */
  inherit toposort;

  /**
    Sorts by the key `f` computes, computing it once per element (stable).

    # Example
    ```nix
    sortOn builtins.stringLength [ "aaa" "b" "cc" ]
    => [ "b" "cc" "aaa" ]
    ```
  */
  sortOn =
    f: list:
    map (p: elemAt p 1) (b.sort (x: y: head x < head y) (map (x: [ (f x) x ]) list));

  /**
    Lexicographic comparison of two lists using the three-way comparator `cmp`.

    # Example
    ```nix
    compareLists lib.compare [ "a" ] [ "a" "b" ]
    => -1
    ```
  */
  inherit compareLists;

  /**
    Sorts strings so that embedded numbers compare numerically.

    # Example
    ```nix
    naturalSort [ "disk11" "disk8" "disk100" "disk9" ]
    => [ "disk8" "disk9" "disk11" "disk100" ]
    ```
  */
  naturalSort =
    list:
    let
      chunks = s: map (c: if b.isList c then b.fromJSON (head c) else c) (b.split "(0|[1-9][0-9]*)" s);
      keyed = map (s: [ (chunks s) s ]) list;
      less = x: y: compareLists lib.trivial.compare (head x) (head y) < 0;
    in
    map (p: elemAt p 1) (b.sort less keyed);

  /**
    The first `count` elements (all of them if the list is shorter).

    # Example
    ```nix
    take 2 [ "a" "b" "c" ]
    => [ "a" "b" ]
    ```
  */
  inherit take;

  /**
    The list without its first `count` elements.

    # Example
    ```nix
    drop 2 [ "a" "b" "c" ]
    => [ "c" ]
    ```
  */
  inherit drop;

  /**
    The last `count` elements.

    # Example
    ```nix
    takeEnd 2 [ 1 2 3 ]
    => [ 2 3 ]
    ```
  */
  takeEnd = count: list: drop (lib.trivial.max 0 (length list - count)) list;

  /**
    The list without its last `count` elements.

    # Example
    ```nix
    dropEnd 2 [ 1 2 3 ]
    => [ 1 ]
    ```
  */
  dropEnd = count: list: take (lib.trivial.max 0 (length list - count)) list;

  /**
    `count` elements starting at index `start` (clipped to the list).

    # Example
    ```nix
    sublist 1 3 [ "a" "b" "c" "d" "e" ]
    => [ "b" "c" "d" ]
    ```
  */
  inherit sublist;

  /**
    The last element of a non-empty list.

    # Example
    ```nix
    last [ 1 2 3 ]
    => 3
    ```
  */
  last =
    list:
    assert lib.asserts.assertMsg (list != [ ]) "lists.last: the list is empty";
    elemAt list (length list - 1);

  /**
    All but the last element of a non-empty list.

    # Example
    ```nix
    init [ 1 2 3 ]
    => [ 1 2 ]
    ```
  */
  init =
    list:
    assert lib.asserts.assertMsg (list != [ ]) "lists.init: the list is empty";
    take (length list - 1) list;

  /**
    Applies the curried `f` to every combination of one element from each list.
    Deprecated upstream in favour of `cartesianProduct`.

    # Example
    ```nix
    crossLists (x: y: "${toString x}${toString y}") [ [ 1 2 ] [ 3 4 ] ]
    => [ "13" "14" "23" "24" ]
    ```
  */
  crossLists = f: b.foldl' (fs: args: b.concatMap (g: map g args) fs) [ f ];

  /**
    The list with duplicates removed; the first occurrence of each value is kept.

    # Example
    ```nix
    unique [ 3 2 3 4 ]
    => [ 3 2 4 ]
    ```
  */
  inherit unique;

  /**
    True if no value occurs twice in the list.

    # Example
    ```nix
    allUnique [ 3 2 3 4 ]
    => false
    ```
  */
  allUnique = list: length (unique list) == length list;

  /**
    Elements of the second list that also occur in the first.

    # Example
    ```nix
    intersectLists [ 1 2 3 ] [ 6 3 2 ]
    => [ 3 2 ]
    ```
  */
  intersectLists = e: filter (x: b.elem x e);

  /**
    Elements of the second list that do not occur in the first.

    # Example
    ```nix
    subtractLists [ 3 2 ] [ 1 2 3 4 5 3 ]
    => [ 1 4 5 ]
    ```
  */
  subtractLists = e: filter (x: !(b.elem x e));

  /**
    True if the two lists have no element in common.

    # Example
    ```nix
    mutuallyExclusive [ 1 2 ] [ 3 ]
    => true
    ```
  */
  mutuallyExclusive = xs: ys: xs == [ ] || !(b.any (y: b.elem y xs) ys);

  /**
    The longest common prefix of two lists.

    # Example
    ```nix
    commonPrefix [ 1 2 3 4 ] [ 1 2 4 8 ]
    => [ 1 2 ]
    ```
  */
  commonPrefix =
    xs: ys:
    let
      n = lib.trivial.min (length xs) (length ys);
      stop = findFirstIndex (i: elemAt xs i != elemAt ys i) n (genList (i: i) n);
    in
    take stop xs;

  /**
    True if `prefix` is a prefix of `list`.

    # Example
    ```nix
    lib.lists.hasPrefix [ 1 2 ] [ 1 2 3 ]
    => true
    ```
  */
  hasPrefix = prefix: list: take (length prefix) list == prefix;

  /**
    `list` without the prefix `prefix`; throws if it is not a prefix.

    # Example
    ```nix
    lib.lists.removePrefix [ 1 2 ] [ 1 2 3 ]
    => [ 3 ]
    ```
  */
  removePrefix =
    prefix: list:
    if take (length prefix) list == prefix then
      drop (length prefix) list
    else
      b.throw "lib.lists.removePrefix: the first list is not a prefix of the second";

  /**
    The list with the element at `index` replaced by `value`.

    # Example
    ```nix
    replaceElemAt [ 1 2 3 ] 0 "a"
    => [ "a" 2 3 ]
    ```
  */
  replaceElemAt =
    list: index: value:
    assert lib.asserts.assertMsg (index >= 0 && index < length list) "lists.replaceElemAt: index ${toString index} is out of range";
    genList (i: if i == index then value else elemAt list i) (length list);
}
