# lib.versions-style helpers built on the primitives.
let
  major = v: builtins.elemAt (builtins.splitVersion v) 0;
  minor = v: builtins.elemAt (builtins.splitVersion v) 1;
  majorMinor = v: "${major v}.${minor v}";
  versionOlder = v1: v2: builtins.compareVersions v2 v1 == 1;
  versionAtLeast = v1: v2: !versionOlder v1 v2;
  sorted = builtins.sort (a: b: builtins.compareVersions a b < 0)
    [ "1.10" "1.9" "1.9.1" "1.9pre" "1.10-rc1" "2" "1" "1.a" ];
in {
  inherit sorted;
  mm = majorMinor "3.11.4";
  atLeast = [ (versionAtLeast "2.24.0" "2.18") (versionAtLeast "2.3" "2.18") ];
  names = map (n: (builtins.parseDrvName n).version) [ "gcc-wrapper-13.2.0" "python3.11-requests-2.31.0" ];
}
