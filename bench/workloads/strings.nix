# String building: interpolation, concatStringsSep, replaceStrings, substring.
let
  n = 20000;
  parts = builtins.genList (i: "item-${toString i}") n;
  joined = builtins.concatStringsSep "," parts;
  replaced = builtins.replaceStrings [ "item" ] [ "x" ] joined;
  chunks = builtins.genList (i: builtins.substring (i * 7) 7 replaced) 2000;
in
builtins.stringLength replaced + builtins.length chunks + builtins.stringLength (builtins.concatStringsSep "" chunks)
