#!@shell@
# tern's compiler wrapper (generated from cc-wrapper.sh).  Adds the target's
# machine flags and the flags setup.sh collected for this compiler's role
# ($NIX_CFLAGS_COMPILE_@suffixSalt@, $NIX_LDFLAGS_@suffixSalt@), then runs
# the real compiler.
real=@real@
if [ ! -x "$real" ]; then
  # The unwrapped compiler's own script explains what to install.
  exec "$real" "$@"
fi

cflagsVar=NIX_CFLAGS_COMPILE_@suffixSalt@
ldflagsVar=NIX_LDFLAGS_@suffixSalt@

linking=1
for arg in "$@"; do
  case "$arg" in
    -c | -S | -E | -M | -MM | -fsyntax-only) linking=0 ;;
  esac
done

before=(@machineFlags@)
if [ -n "@toolsDir@" ]; then
  before+=("-B@toolsDir@/")
fi
read -r -a compileFlags <<< "${!cflagsVar-}"

after=()
if [ "$linking" = 1 ]; then
  read -r -a linkFlags <<< "${!ldflagsVar-}"
  for f in "${linkFlags[@]}"; do
    after+=("$f")
    case "$f" in
      -L/nix/store/*) if [ "@addRpath@" = 1 ]; then after+=("-Wl,-rpath,${f#-L}"); fi ;;
    esac
  done
  after+=(@linkFlags@)
fi

if [ -n "${NIX_DEBUG-}" ]; then
  echo "cc-wrapper: $real ${before[*]} ${compileFlags[*]} $* ${after[*]}" >&2
fi
exec "$real" "${before[@]}" "${compileFlags[@]}" "$@" "${after[@]}"
