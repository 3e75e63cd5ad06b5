# JSON: a 25,000-package metadata structure (about 10 MB as JSON) is serialised with
# `toJSON`, parsed back with `fromJSON` and compared deeply with the original.
let
  inherit (builtins) genList toJSON fromJSON stringLength length elemAt;
  licenses = [ "mit" "gpl2Plus" "gpl3Only" "asl20" "bsd3" "lgpl21" "mpl20" "isc" ];
  pkg = i: {
    pname = "package-${toString i}";
    version = "${toString (i / 100)}.${toString (i - (i / 100) * 100)}.0";
    meta = {
      description = "Package number ${toString i}, with a \"quoted\" word, a tab\tand unicode: \u00e9\u4e2d";
      homepage = "https://example.org/projects/package-${toString i}/index.html";
      license = { spdx = elemAt licenses (i - (i / 8) * 8); free = i - (i / 13) * 13 != 0; };
      maintainers = genList (j: { name = "m${toString (i + j)}"; id = i * 7 + j; }) (i - (i / 3) * 3);
      broken = false;
      priority = if i - (i / 5) * 5 == 0 then null else -i;
    };
    outputs = [ "out" ] ++ (if i - (i / 4) * 4 == 0 then [ "dev" "man" ] else [ ]);
    dependencies = genList (j: "package-${toString (i / (j + 2))}") 4;
    size = i * 1024 + 17;
    checksum = builtins.hashString "md5" (toString i);
  };
  packages = genList pkg 25000;
  doc = { schema = 2; generated = "bench"; inherit packages; };
  text = toJSON doc;
  back = fromJSON text;
in
[
  (stringLength text)
  (back == doc)
  (length back.packages)
  (elemAt back.packages 24999).meta.license
  (stringLength (toJSON back))
]
