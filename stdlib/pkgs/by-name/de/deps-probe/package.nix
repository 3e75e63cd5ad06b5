# cross.md §12: zlib in all twelve dependency lists, so tests can read which
# variant each list selected (`(head p.depsBuildBuild).stdenv.hostPlatform` …).
# It builds nothing.
{ stdenv, zlib }:
stdenv.mkDerivation {
  pname = "deps-probe";
  version = "1.0";
  depsBuildBuild = [ zlib ];
  nativeBuildInputs = [ zlib ];
  depsBuildTarget = [ zlib ];
  depsHostHost = [ zlib ];
  buildInputs = [ zlib ];
  depsTargetTarget = [ zlib ];
  depsBuildBuildPropagated = [ zlib ];
  propagatedNativeBuildInputs = [ zlib ];
  depsBuildTargetPropagated = [ zlib ];
  depsHostHostPropagated = [ zlib ];
  propagatedBuildInputs = [ zlib ];
  depsTargetTargetPropagated = [ zlib ];
  dontUnpack = true;
  installPhase = "mkdir -p $out";
}
