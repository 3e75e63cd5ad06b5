let
  h = import ./_helpers.nix;
  inherit (h) lib throws;
in
with lib.versions;
h.runTests {
  testSplitVersion = { expr = [ (splitVersion "1.2.3") (splitVersion "1.2a") ]; expected = [ [ "1" "2" "3" ] [ "1" "2" "a" ] ]; };
  testMajor = { expr = major "1.2.3"; expected = "1"; };
  testMinor = { expr = minor "1.2.3"; expected = "2"; };
  testPatch = { expr = patch "1.2.3"; expected = "3"; };
  testMajorMinor = { expr = [ (majorMinor "1.2.3") (majorMinor "1") ]; expected = [ "1.2" "1" ]; };
  testPad = { expr = [ (pad 3 "1.2") (pad 3 "1.3-rc1") (pad 3 "1.2.3.4") (pad 1 "1.2") ]; expected = [ "1.2.0" "1.3.0-rc1" "1.2.3" "1" ]; };
}
