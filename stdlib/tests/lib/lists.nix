let
  h = import ./_helpers.nix;
  inherit (h) lib throws;
in
with lib;
h.runTests {
  testSingleton = { expr = singleton "foo"; expected = [ "foo" ]; };
  testForEach = { expr = forEach [ 1 2 ] (x: x * 10); expected = [ 10 20 ]; };
  testFoldr = { expr = foldr (x: acc: "${x}${acc}") "z" [ "a" "b" ]; expected = "abz"; };
  testFoldrLazy = { expr = foldr (x: acc: x) 0 [ 1 (throw "lazy") ]; expected = 1; };
  testFoldrEmpty = { expr = foldr (x: acc: x + acc) 7 [ ]; expected = 7; };
  testFold = { expr = lists.fold (x: acc: x + acc) 0 [ 1 2 3 ]; expected = 6; };
  testFoldl = { expr = foldl (acc: x: "${acc}${x}") "z" [ "a" "b" ]; expected = "zab"; };
  testFoldlLazy = { expr = foldl (acc: x: x) 0 [ (throw "lazy") 2 ]; expected = 2; };
  testFoldlStrict = { expr = foldl' (acc: x: acc + x) 0 [ 1 2 3 ]; expected = 6; };
  testFoldlStrictForcesInitial = { expr = throws (foldl' (acc: x: x) (throw "initial") [ 1 ]); expected = true; };
  testImap0 = { expr = imap0 (i: v: "${v}-${toString i}") [ "a" "b" ]; expected = [ "a-0" "b-1" ]; };
  testImap1 = { expr = imap1 (i: v: "${v}-${toString i}") [ "a" "b" ]; expected = [ "a-1" "b-2" ]; };
  testIfilter0 = { expr = ifilter0 (i: v: i == 0 || v > 2) [ 1 2 3 ]; expected = [ 1 3 ]; };
  testConcatMap = { expr = concatMap (x: [ x x ]) [ 1 2 ]; expected = [ 1 1 2 2 ]; };
  testFlatten = { expr = [ (flatten [ 1 [ 2 [ 3 [ 4 ] ] ] [ ] ]) (flatten 1) ]; expected = [ [ 1 2 3 4 ] [ 1 ] ]; };
  testRemove = { expr = remove 3 [ 1 3 4 3 ]; expected = [ 1 4 ]; };
  testFindSingle = { expr = [ (findSingle (x: x == 3) "none" "many" [ 1 3 3 ]) (findSingle (x: x == 3) "none" "many" [ 1 3 ]) (findSingle (x: x == 3) "none" "many" [ 1 ]) ]; expected = [ "many" 3 "none" ]; };
  testFindFirst = { expr = [ (findFirst (x: x > 3) 7 [ 1 6 4 ]) (findFirst (x: x > 9) 7 [ 1 6 4 ]) ]; expected = [ 6 7 ]; };
  testFindFirstStopsEarly = { expr = findFirst (x: x > 3) 7 [ 1 6 (throw "not reached") ]; expected = 6; };
  testFindFirstIndex = { expr = [ (lists.findFirstIndex (x: x > 3) null [ 0 6 4 ]) (lists.findFirstIndex (x: x > 9) null [ 0 6 4 ]) ]; expected = [ 1 null ]; };
  testAny = { expr = [ (any (x: x > 2) [ 1 3 ]) (any (x: x > 2) [ ]) ]; expected = [ true false ]; };
  testAll = { expr = [ (all (x: x > 2) [ 1 3 ]) (all (x: x > 2) [ ]) ]; expected = [ false true ]; };
  testCount = { expr = count (x: x == 3) [ 3 2 3 4 6 ]; expected = 2; };
  testOptional = { expr = [ (optional true "foo") (optional false "foo") ]; expected = [ [ "foo" ] [ ] ]; };
  testOptionals = { expr = [ (optionals true [ 1 2 ]) (optionals false [ 1 2 ]) ]; expected = [ [ 1 2 ] [ ] ]; };
  testToList = { expr = [ (toList 1) (toList [ 1 ]) (toList [ ]) ]; expected = [ [ 1 ] [ 1 ] [ ] ]; };
  testRange = { expr = [ (range 2 4) (range 3 3) (range 3 1) ]; expected = [ [ 2 3 4 ] [ 3 ] [ ] ]; };
  testReplicate = { expr = [ (replicate 3 "a") (replicate 0 "a") ]; expected = [ [ "a" "a" "a" ] [ ] ]; };
  testPartition = { expr = partition (x: x > 2) [ 5 1 2 3 4 ]; expected = { right = [ 5 3 4 ]; wrong = [ 1 2 ]; }; };
  testGroupBy = {
    expr = groupBy (x: if x > 2 then "big" else "small") [ 1 3 2 4 ];
    expected = { big = [ 3 4 ]; small = [ 1 2 ]; };
  };
  testGroupByPrime = { expr = groupBy' builtins.add 0 (x: if x > 2 then "big" else "small") [ 1 3 2 4 ]; expected = { big = 7; small = 3; }; };
  testZipListsWith = { expr = zipListsWith (a: b: a + b) [ 1 2 ] [ 10 20 30 ]; expected = [ 11 22 ]; };
  testZipLists = { expr = zipLists [ 1 2 ] [ "a" "b" ]; expected = [ { fst = 1; snd = "a"; } { fst = 2; snd = "b"; } ]; };
  testReverseList = { expr = [ (reverseList [ 1 2 3 ]) (reverseList [ ]) ]; expected = [ [ 3 2 1 ] [ ] ]; };
  testListDfs = {
    expr = listDfs true hasPrefix [ "/home/user" "other" "/" "/home" ];
    expected = { minimal = "/"; visited = [ "/home/user" ]; rest = [ "/home" "other" ]; };
  };
  testListDfsCycle = {
    expr = listDfs true hasPrefix [ "/home/user" "other" "/" "/home" "/" ];
    expected = { cycle = "/"; loops = [ "/" ]; visited = [ "/" "/home/user" ]; rest = [ "/home" "other" ]; };
  };
  testToposort = {
    expr = toposort hasPrefix [ "/home/user" "other" "/" "/home" ];
    expected = { result = [ "/" "/home" "/home/user" "other" ]; };
  };
  testToposortCycle = {
    expr = toposort hasPrefix [ "/home/user" "other" "/" "/home" "/" ];
    expected = { cycle = [ "/home/user" "/" "/" ]; loops = [ "/" ]; };
  };
  testToposortSmall = { expr = [ (toposort (a: b: a < b) [ ]) (toposort (a: b: a < b) [ 1 ]) (toposort (a: b: a < b) [ 3 1 2 ]) ]; expected = [ { result = [ ]; } { result = [ 1 ]; } { result = [ 1 2 3 ]; } ]; };
  testSort = { expr = sort builtins.lessThan [ 3 1 2 ]; expected = [ 1 2 3 ]; };
  testSortOn = { expr = sortOn builtins.stringLength [ "aaa" "b" "cc" "d" ]; expected = [ "b" "d" "cc" "aaa" ]; };
  testNaturalSort = {
    expr = [
      (naturalSort [ "disk11" "disk8" "disk100" "disk9" ])
      (naturalSort [ "10.46.133.149" "10.5.16.62" "10.54.16.25" ])
      (naturalSort [ "v0.2" "v0.15" "v0.0.9" ])
    ];
    expected = [
      [ "disk8" "disk9" "disk11" "disk100" ]
      [ "10.5.16.62" "10.46.133.149" "10.54.16.25" ]
      [ "v0.0.9" "v0.2" "v0.15" ]
    ];
  };
  testCompareLists = {
    expr = [ (compareLists compare [ ] [ ]) (compareLists compare [ ] [ "a" ]) (compareLists compare [ "a" ] [ ]) (compareLists compare [ "a" "b" ] [ "a" "c" ]) ];
    expected = [ 0 (-1) 1 (-1) ];
  };
  testTake = { expr = [ (take 2 [ "a" "b" "c" ]) (take 5 [ 1 ]) (take 0 [ 1 ]) ]; expected = [ [ "a" "b" ] [ 1 ] [ ] ]; };
  testDrop = { expr = [ (drop 2 [ "a" "b" "c" ]) (drop 5 [ 1 ]) (drop 0 [ 1 ]) ]; expected = [ [ "c" ] [ ] [ 1 ] ]; };
  testTakeEnd = { expr = [ (takeEnd 2 [ 1 2 3 ]) (takeEnd 5 [ 1 ]) ]; expected = [ [ 2 3 ] [ 1 ] ]; };
  testDropEnd = { expr = [ (dropEnd 2 [ 1 2 3 ]) (dropEnd 5 [ 1 ]) ]; expected = [ [ 1 ] [ ] ]; };
  testSublist = { expr = [ (sublist 1 3 [ "a" "b" "c" "d" "e" ]) (sublist 1 10 [ 1 2 3 ]) (sublist 5 1 [ 1 2 3 ]) ]; expected = [ [ "b" "c" "d" ] [ 2 3 ] [ ] ]; };
  testLast = { expr = last [ 1 2 3 ]; expected = 3; };
  testLastEmpty = { expr = throws (last [ ]); expected = true; };
  testInit = { expr = init [ 1 2 3 ]; expected = [ 1 2 ]; };
  testInitEmpty = { expr = throws (init [ ]); expected = true; };
  testCrossLists = { expr = crossLists (x: y: "${toString x}${toString y}") [ [ 1 2 ] [ 3 4 ] ]; expected = [ "13" "14" "23" "24" ]; };
  testUnique = { expr = [ (unique [ 3 2 3 4 ]) (unique [ "b" "a" "b" ]) (unique [ { a = 1; } { a = 1; } [ 1 ] [ 1 ] ]) (unique [ 1 "1" 1 ]) (unique [ ]) ]; expected = [ [ 3 2 4 ] [ "b" "a" ] [ { a = 1; } [ 1 ] ] [ 1 "1" ] [ ] ]; };
  testAllUnique = { expr = [ (allUnique [ 3 2 3 4 ]) (allUnique [ 3 2 4 ]) ]; expected = [ false true ]; };
  testIntersectLists = { expr = intersectLists [ 1 2 3 ] [ 6 3 2 ]; expected = [ 3 2 ]; };
  testSubtractLists = { expr = subtractLists [ 3 2 ] [ 1 2 3 4 5 3 ]; expected = [ 1 4 5 ]; };
  testMutuallyExclusive = { expr = [ (mutuallyExclusive [ 1 2 ] [ 3 ]) (mutuallyExclusive [ 1 2 ] [ 2 ]) (mutuallyExclusive [ ] [ 1 ]) ]; expected = [ true false true ]; };
  testHeadTail = { expr = [ (head [ 1 2 ]) (tail [ 1 2 ]) (length [ 1 2 ]) (elemAt [ 1 2 ] 1) (elem 2 [ 1 2 ]) ]; expected = [ 1 [ 2 ] 2 2 true ]; };
  testCommonPrefix = { expr = [ (lists.commonPrefix [ 1 2 3 4 ] [ 1 2 4 8 ]) (lists.commonPrefix [ 1 ] [ 2 ]) (lists.commonPrefix [ 1 2 ] [ 1 2 ]) ]; expected = [ [ 1 2 ] [ ] [ 1 2 ] ]; };
  testListsHasPrefix = { expr = [ (lists.hasPrefix [ 1 2 ] [ 1 2 3 ]) (lists.hasPrefix [ 2 ] [ 1 2 ]) (lists.hasPrefix [ ] [ 1 ]) ]; expected = [ true false true ]; };
  testListsRemovePrefix = { expr = [ (lists.removePrefix [ 1 2 ] [ 1 2 3 ]) (throws (lists.removePrefix [ 2 ] [ 1 2 ])) ]; expected = [ [ 3 ] true ]; };
  testReplaceElemAt = { expr = [ (replaceElemAt [ 1 2 3 ] 0 "a") (throws (replaceElemAt [ 1 ] 3 0)) ]; expected = [ [ "a" 2 3 ] true ]; };
  testListsReexports = { expr = [ (lists.genList (x: x) 2) (lists.concatLists [ [ 1 ] [ 2 ] ]) (lists.filter (x: x > 1) [ 1 2 ]) (lists.isList [ ]) ]; expected = [ [ 0 1 ] [ 1 2 ] [ 2 ] true ]; };
  testUniqueLarge = { expr = length (unique (genList (i: mod i 100) 5000)); expected = 100; };
  testZipListsShorter = { expr = [ (zipLists [ 1 2 3 ] [ "a" ]) (zipListsWith (a: b: a + b) [ 1 ] [ ]) ]; expected = [ [ { fst = 1; snd = "a"; } ] [ ] ]; };
  testCountEmpty = { expr = [ (count (x: true) [ ]) (findFirst (x: true) "none" [ ]) (findSingle (x: true) "none" "many" [ ]) ]; expected = [ 0 "none" "none" ]; };
  testReverseListEdges = { expr = [ (reverseList [ ]) (reverseList [ 1 ]) ]; expected = [ [ ] [ 1 ] ]; };
  testSubtractListsKeepsOrder = { expr = subtractLists [ 2 ] [ 3 2 1 2 ]; expected = [ 3 1 ]; };
  testUniqueFirstOccurrence = { expr = unique [ 3 1 3 2 1 ]; expected = [ 3 1 2 ]; };
}
