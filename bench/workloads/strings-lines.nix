# Strings: a 25,000-line text built by interpolation, taken apart with `split` and `match`,
# rewritten with `replaceStrings`, cut with `substring`.
let
  inherit (builtins) genList concatStringsSep split match filter isString length foldl'
    replaceStrings substring stringLength elemAt;
  n = 25000;
  line = i: "pkg-${toString i}: version ${toString (i / 100)}.${toString (i - (i / 100) * 100)} license=${if i - (i / 3) * 3 == 0 then "mit" else "gpl"} path=/nix/store/${toString i}-x";
  text = concatStringsSep "\n" (genList line n);
  lines = filter isString (split "\n" text);
  parsed = map (l: match "pkg-([0-9]+): version ([0-9]+)\\.([0-9]+) license=([a-z]+) path=(.*)" l) lines;
  mit = filter (m: elemAt m 3 == "mit") parsed;
  renamed = replaceStrings [ "pkg-" "license=" "/nix/store/" ] [ "package " "licensed under " "@store/" ] text;
  words = length (split " " renamed);
  cuts = genList (i: substring (i * 37) 12 renamed) 20000;
  digits = foldl' (acc: m: acc + stringLength (elemAt m 0)) 0 parsed;
in
[ (length lines) (length mit) (stringLength renamed) words digits (stringLength (concatStringsSep "|" cuts)) ]
