# The package set's `fetchurl`: a fixed-output derivation realised by the
# builder's built-in downloader (`builtin:fetchurl`), which expands
# `mirror://debian/…` from this machine's apt configuration (or `mirrors`
# in tern.conf) when it runs.  Packages name their sources as nixpkgs does:
#
#   src = fetchurl {
#     url = "mirror://debian/pool/main/h/hello/hello_2.10.orig.tar.gz";
#     hash = "sha256-…";
#   };
#
# No host name appears in the package set, and the `.drv` does not depend on
# which mirror the machine uses.
{ lib }:
{
  url ? null,
  urls ? [ ],
  hash ? "",
  sha256 ? "",
  name ? baseNameOf (if url != null then url else builtins.head urls),
  executable ? false,
  passthru ? { },
  meta ? { },
}:
let
  allUrls = lib.optional (url != null) url ++ urls;
  fetched = import ../../corepkgs/fetchurl.nix {
    inherit name hash sha256 executable;
    urls = allUrls;
    url = builtins.head allUrls;
  };
in
assert lib.assertMsg (allUrls != [ ]) "fetchurl: give `url' or `urls'";
fetched // passthru // { inherit meta; urls = allUrls; }
