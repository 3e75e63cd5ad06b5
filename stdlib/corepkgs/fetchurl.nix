# `<nix/fetchurl.nix>`: a fixed-output derivation realised by the builder's built-in
# `builtin:fetchurl` (tern fetches `file://` URLs and local paths only: it has no network).
# The output hash comes from exactly one of `hash` (SRI), `outputHash`, `sha256`, `sha512`,
# `sha1` or `md5`.
{
  url ? builtins.head urls,
  urls ? [ url ],
  name ? baseNameOf (toString url),
  hash ? "",
  outputHash ? "",
  outputHashAlgo ? "",
  md5 ? "",
  sha1 ? "",
  sha256 ? "",
  sha512 ? "",
  executable ? false,
  unpack ? false,
  system ? "builtin",
  impure ? false,
}:

let
  given = builtins.filter (x: x.value != "") [
    { algo = ""; value = hash; }
    { algo = outputHashAlgo; value = outputHash; }
    { algo = "sha256"; value = sha256; }
    { algo = "sha512"; value = sha512; }
    { algo = "sha1"; value = sha1; }
    { algo = "md5"; value = md5; }
  ];
  chosen =
    if builtins.length given == 1 then builtins.head given
    else if given == [ ] && impure then { algo = "sha256"; value = ""; }
    else throw "fetchurl: give exactly one of 'hash', 'outputHash', 'sha256', 'sha512', 'sha1' or 'md5' (got ${toString (builtins.length given)})";
in
derivation ({
  inherit name system executable unpack urls;
  builder = "builtin:fetchurl";
  outputHashMode = if unpack || executable then "recursive" else "flat";
  # Proxy and TLS settings are passed through when a network fetch is possible.
  impureEnvVars = [ "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy" ];
  preferLocalBuild = true;
}
// (if impure then { __impure = true; } else {
  outputHash = chosen.value;
} // (if chosen.algo != "" then { outputHashAlgo = chosen.algo; } else { })))
