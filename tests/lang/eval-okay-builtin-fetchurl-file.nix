# a file:// URL needs no network; the result is a store path named after the URL's last component
let p = builtins.fetchurl "file://${toString ./data/a.txt}"; in
[ (baseNameOf p) (builtins.readFile p) (builtins.fetchurl { url = "file://${toString ./data/a.txt}"; name = "renamed"; }) ]
