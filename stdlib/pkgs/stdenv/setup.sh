# tern's stdenv setup: the shell library every mkDerivation builder sources.
#
# The stdenv builder prepended the stdenv's own settings: SHELL, initialPath,
# NIX_CC (the C compiler wrapper, empty without one), NIX_SALT_BUILD/HOST
# (the platform configs as variable suffixes; mkDerivation passes
# NIX_SALT_TARGET to builds with target dependencies), defaultNativeBuildInputs,
# defaultBuildInputs.
#
# Dependencies.  mkDerivation computed the full dependency closure in Nix
# (propagation included) and passes it by role:
#   depsClosureBuildBuild   (-1,-1)   depsClosureHostHost     (0,0)
#   depsClosureBuildHost    (-1, 0)   depsClosureHostTarget   (0,1)
#   depsClosureBuildTarget  (-1, 1)   depsClosureTargetTarget (1,1)
# Programs of dependencies that run on the build platform (host offset -1) go
# on PATH; include/ and lib/ of every dependency go to the compiler of its
# role: host offset -1 → $NIX_CFLAGS_COMPILE_<build salt> (the build
# compiler), 0 → the host compiler, 1 → the target's.  Natively the salts
# coincide, as they should.  With strictDeps unset, host programs are put on
# PATH too (natively they can run).  A dependency's nix-support/setup-hook is
# sourced with hostOffset/targetOffset set.
#
# Phases: unpack patch configure build check install fixup (installCheck
# after fixup when doInstallCheck).  Each runs `${name}Phase` if set (a
# command string or function name), else the default; each runs the hooks
# pre<Name> and post<Name>; `dont<Name>` skips it; `phases` replaces the list.

set -e
set -o pipefail
shopt -s nullglob

PATH=""
for p in $initialPath; do
  PATH="$PATH${PATH:+:}$p/bin"
done
export PATH
export SHELL
# Where patchShebangs looks for interpreters of the host platform: natively
# the stdenv's own tools too; when cross-compiling only host dependencies.
HOST_PATH=""
if [ -z "${stdenvCrossCompiling-}" ]; then
  HOST_PATH="$PATH"
fi
export NIX_BUILD_CORES="${NIX_BUILD_CORES:-1}"
if [ "$NIX_BUILD_CORES" -le 0 ] 2>/dev/null; then
  NIX_BUILD_CORES=1
fi

: "${outputs:=out}"
: "${prefix:=$out}"
export prefix

# --- helpers ----------------------------------------------------------------

echoCmd() {
  printf '%s:' "$1"
  shift
  printf ' %q' "$@"
  echo
}

# runHook NAME: runs $NAME (a string of commands or a function name) if set.
runHook() {
  local hookName="$1"
  shift
  local hook="${!hookName-}"
  if [ -n "$hook" ]; then
    eval "$hook"
  fi
  return 0
}

addToSearchPath() {
  local var="$1" dir="$2"
  if [ -d "$dir" ]; then
    export "$var=${!var:+${!var}:}$dir"
  fi
}

appendToVar() {
  local var="$1"
  shift
  export "$var=${!var:+${!var} }$*"
}

# --- dependencies -------------------------------------------------------------

roleSalt() {
  case "$1" in
    -1) echo "$NIX_SALT_BUILD" ;;
    0) echo "$NIX_SALT_HOST" ;;
    1) echo "${NIX_SALT_TARGET-}" ;;
  esac
}

declare -A seenSetupHooks=()

addDependency() {
  local hostOffset="$1" targetOffset="$2" dep="$3" salt
  [ -n "$dep" ] || return 0
  [ -e "$dep" ] || return 0
  if [ "$hostOffset" = -1 ] || [ -z "${strictDeps-}" ]; then
    addToSearchPath depsPATH "$dep/bin"
  fi
  if [ "$hostOffset" = 0 ]; then
    addToSearchPath HOST_PATH "$dep/bin"
  fi
  if [ -d "$dep/lib/pkgconfig" ] || [ -d "$dep/share/pkgconfig" ]; then
    salt="$(roleSalt "$hostOffset")"
    addToSearchPath "PKG_CONFIG_PATH_$salt" "$dep/lib/pkgconfig"
    addToSearchPath "PKG_CONFIG_PATH_$salt" "$dep/share/pkgconfig"
  fi
  salt="$(roleSalt "$hostOffset")"
  if [ -d "$dep/include" ]; then
    appendToVar "NIX_CFLAGS_COMPILE_$salt" "-isystem $dep/include"
  fi
  if [ -d "$dep/lib" ]; then
    appendToVar "NIX_LDFLAGS_$salt" "-L$dep/lib"
  fi
  if [ -f "$dep/nix-support/setup-hook" ] && [ -z "${seenSetupHooks[$dep]-}" ]; then
    seenSetupHooks[$dep]=1
    # shellcheck disable=SC1091
    source "$dep/nix-support/setup-hook"
  fi
}

# Dependencies come before the stdenv's initialPath on PATH, as in nixpkgs
# (a package's own make or sed wins over the stdenv's), and the compiler of
# the host platform before them all: a tool set on initialPath that has a
# `cc` of its own (the Debian root of an emulated bootstrap) must not shadow
# the wrapper.
depsPATH=""
if [ -n "${NIX_CC-}" ]; then
  addToSearchPath depsPATH "$NIX_CC/bin"
fi

# Flags given to the package without a salt are for its host compiler.
if [ -n "${NIX_CFLAGS_COMPILE-}" ]; then
  appendToVar "NIX_CFLAGS_COMPILE_$NIX_SALT_HOST" "$NIX_CFLAGS_COMPILE"
fi
if [ -n "${NIX_LDFLAGS-}" ]; then
  appendToVar "NIX_LDFLAGS_$NIX_SALT_HOST" "$NIX_LDFLAGS"
fi

for dep in ${defaultNativeBuildInputs-}; do addDependency -1 0 "$dep"; done
for dep in ${defaultBuildInputs-}; do addDependency 0 1 "$dep"; done
for dep in ${depsClosureBuildBuild-}; do addDependency -1 -1 "$dep"; done
for dep in ${depsClosureBuildHost-}; do addDependency -1 0 "$dep"; done
for dep in ${depsClosureBuildTarget-}; do addDependency -1 1 "$dep"; done
for dep in ${depsClosureHostHost-}; do addDependency 0 0 "$dep"; done
for dep in ${depsClosureHostTarget-}; do addDependency 0 1 "$dep"; done
for dep in ${depsClosureTargetTarget-}; do addDependency 1 1 "$dep"; done
PATH="$depsPATH${depsPATH:+${PATH:+:}}$PATH"
unset depsPATH

# Conventional tool variables for build systems that read them.
if [ -n "${NIX_CC-}" ] && [ -f "$NIX_CC/nix-support/target-prefix" ]; then
  ccPrefix="$(cat "$NIX_CC/nix-support/target-prefix")"
  if [ -e "$NIX_CC/bin/${ccPrefix}clang" ]; then
    export CC="${ccPrefix}clang" CXX="${ccPrefix}clang++"
  else
    export CC="${ccPrefix}cc" CXX="${ccPrefix}c++"
  fi
  for tool in AR:ar RANLIB:ranlib STRIP:strip LD:ld NM:nm OBJDUMP:objdump OBJCOPY:objcopy; do
    export "${tool%%:*}=${ccPrefix}${tool#*:}"
  done
fi
# A C compiler for the build platform, when one is among the dependencies
# (the cookbook's depsBuildBuild = [ buildPackages.stdenv.cc ]).
if command -v cc >/dev/null 2>&1; then
  export CC_FOR_BUILD="${CC_FOR_BUILD:-cc}"
fi

# --- phases ---------------------------------------------------------------------

unpackFile() {
  local file="$1"
  case "$file" in
    *.tar | *.tar.* | *.tgz | *.tbz2 | *.txz) tar xf "$file" ;;
    *.zip) echo "unpackFile: zip archives are not supported" >&2; return 1 ;;
    *)
      if [ -d "$file" ]; then
        cp -r "$file" "$(stripHash "$file")"
        chmod -R u+w "$(stripHash "$file")"
      else
        echo "unpackFile: do not know how to unpack $file" >&2
        return 1
      fi
      ;;
  esac
}

stripHash() {
  local name
  name="$(basename "$1")"
  if [[ "$name" =~ ^[a-z0-9]{32}- ]]; then
    echo "${name:33}"
  else
    echo "$name"
  fi
}

unpackPhase() {
  runHook preUnpack
  local srcsList="${srcs:-${src-}}"
  if [ -z "$srcsList" ]; then
    echo "unpackPhase: the package has no src or srcs" >&2
    return 1
  fi
  local before after
  before="$(ls -A)"
  for s in $srcsList; do
    unpackFile "$s"
  done
  if [ -z "${sourceRoot-}" ]; then
    after="$(ls -A)"
    sourceRoot="$(comm -13 <(echo "$before" | sort) <(echo "$after" | sort) | head -n1)"
  fi
  cd "$sourceRoot"
  chmod -R u+w .
  updateGnuConfigScripts
  runHook postUnpack
}

# Replaces every config.sub/config.guess of the source tree with the
# stdenv's (gnu-config), which know targets the tarball predates.
updateGnuConfigScripts() {
  [ -n "${gnuConfig-}" ] && [ -z "${dontUpdateGnuConfig-}" ] || return 0
  local f
  while IFS= read -r f; do
    cp -f "$gnuConfig/$(basename "$f")" "$f"
  done < <(find . -type f \( -name config.sub -o -name config.guess \))
}

# hasOutput NAME: whether the package declares that output.
hasOutput() {
  [[ " $outputs " == *" $1 "* ]]
}

# configure flags that send each kind of file to its output: headers to
# `dev`, programs to `bin`, manuals to `man`, libraries to `lib`.
outputDirFlags() {
  outputFlags=()
  if hasOutput dev; then outputFlags+=("--includedir=$dev/include"); fi
  if hasOutput bin; then outputFlags+=("--bindir=$bin/bin" "--sbindir=$bin/sbin"); fi
  if hasOutput man; then outputFlags+=("--mandir=$man/share/man"); fi
  if hasOutput lib; then outputFlags+=("--libdir=$lib/lib"); fi
  return 0
}

# moveToOutput PATH OUTPUT-DIR: moves $out-relative PATH (from any other
# output) into the output directory, merging directories.
moveToOutput() {
  local rel="$1" dest="$2" output dir
  for output in $outputs; do
    dir="${!output}"
    [ "$dir" != "$dest" ] && [ -e "$dir/$rel" ] || continue
    mkdir -p "$(dirname "$dest/$rel")"
    if [ -d "$dest/$rel" ] && [ -d "$dir/$rel" ]; then
      cp -a "$dir/$rel/." "$dest/$rel/"
      rm -rf "${dir:?}/$rel"
    else
      mv "$dir/$rel" "$dest/$rel"
    fi
    rmdir --ignore-fail-on-non-empty "$(dirname "$dir/$rel")" 2>/dev/null || true
  done
}

# What belongs to `dev` and `bin` whatever the build system did.
splitOutputs() {
  if hasOutput dev; then
    moveToOutput include "$dev"
    moveToOutput lib/pkgconfig "$dev"
    moveToOutput share/pkgconfig "$dev"
    moveToOutput share/aclocal "$dev"
    moveToOutput lib/cmake "$dev"
  fi
  if hasOutput bin; then
    moveToOutput bin "$bin"
  fi
  if hasOutput man; then
    moveToOutput share/man "$man"
  fi
  local output
  for output in $outputs; do
    mkdir -p "${!output}"
  done
}

# patchShebangs DIR…: rewrites `#!/bin/sh`, `#!/usr/bin/env perl` and the
# like in executable files to the interpreter of that name on HOST_PATH
# (the host platform's, so a cross-built script runs where it is installed).
patchShebangs() {
  local f line interp args name found
  while IFS= read -r -d '' f; do
    IFS= read -r line < "$f" 2>/dev/null || continue
    [[ "$line" == '#!'* ]] || continue
    line="${line#\#!}"
    read -r interp args <<< "$line"
    [ -n "$interp" ] || continue
    case "$interp" in
      /nix/store/*) continue ;;
    esac
    if [ "$(basename "$interp")" = env ] && [ -n "$args" ]; then
      read -r name args <<< "$args"
    else
      name="$(basename "$interp")"
    fi
    found="$(PATH="$HOST_PATH" command -v "$name" 2>/dev/null || true)"
    if [ -z "$found" ] || [[ "$found" != /* ]]; then
      echo "patchShebangs: $f: no '$name' among the host platform's programs; left as it is" >&2
      continue
    fi
    echo "patchShebangs: $f: $interp -> $found"
    local mode
    mode="$(stat -c %a "$f")"
    {
      printf '#!%s%s\n' "$found" "${args:+ $args}"
      tail -n +2 "$f"
    } > "$f.patched"
    chmod "$mode" "$f.patched"
    mv "$f.patched" "$f"
  done < <(find "$@" -type f -perm -0100 -print0 2>/dev/null)
}

patchPhase() {
  runHook prePatch
  for p in ${patches-}; do
    echo "applying patch $p"
    patch ${patchFlags:--p1} < "$p"
  done
  runHook postPatch
}

configurePhase() {
  runHook preConfigure
  : "${configureScript:=}"
  if [ -z "$configureScript" ] && [ -x ./configure ]; then
    configureScript=./configure
  fi
  if [ -n "$configureScript" ]; then
    local flags=()
    if [ -z "${dontAddPrefix-}" ]; then
      flags+=("${prefixKey:---prefix=}$prefix")
    fi
    if [ -z "${dontSetOutputFlags-}" ]; then
      outputDirFlags
      flags+=("${outputFlags[@]}")
    fi
    if [ -z "${dontDisableDependencyTracking-}" ] && grep -q dependency-tracking "$configureScript" 2>/dev/null; then
      flags+=(--disable-dependency-tracking)
    fi
    # shellcheck disable=SC2206
    flags+=(${configureFlags-})
    echoCmd 'configure flags' "${flags[@]}"
    $configureScript "${flags[@]}"
  else
    echo "no configure script, doing nothing"
  fi
  runHook postConfigure
}

buildPhase() {
  runHook preBuild
  if [ -z "${makeFlags-}" ] && [ -z "${makefile-}" ] && ! [ -e Makefile ] && ! [ -e makefile ] && ! [ -e GNUmakefile ]; then
    echo "no Makefile, doing nothing"
  else
    local flags=(${makefile:+-f $makefile} -j"$NIX_BUILD_CORES" SHELL="$SHELL")
    # shellcheck disable=SC2206
    flags+=(${makeFlags-} ${buildFlags-})
    echoCmd 'build flags' "${flags[@]}"
    make "${flags[@]}"
  fi
  runHook postBuild
}

checkPhase() {
  runHook preCheck
  local flags=(${makefile:+-f $makefile} SHELL="$SHELL")
  # shellcheck disable=SC2206
  flags+=(${makeFlags-} ${checkFlags-} ${checkTarget:-check})
  echoCmd 'check flags' "${flags[@]}"
  make "${flags[@]}"
  runHook postCheck
}

installPhase() {
  runHook preInstall
  mkdir -p "$prefix"
  local flags=(${makefile:+-f $makefile} SHELL="$SHELL")
  # shellcheck disable=SC2206
  flags+=(${makeFlags-} ${installFlags-} ${installTargets:-install})
  echoCmd 'install flags' "${flags[@]}"
  make "${flags[@]}"
  runHook postInstall
}

installCheckPhase() {
  runHook preInstallCheck
  local flags=(${makefile:+-f $makefile} SHELL="$SHELL")
  # shellcheck disable=SC2206
  flags+=(${makeFlags-} ${installCheckFlags-} ${installCheckTarget:-installcheck})
  make "${flags[@]}"
  runHook postInstallCheck
}

# Records propagated dependencies (for tools that read them) and strips debug
# information from executables and libraries of the host platform.
fixupPhase() {
  runHook preFixup
  splitOutputs
  local output dir
  for output in $outputs; do
    dir="${!output}"
    [ -e "$dir" ] || continue
    if [ -z "${dontStrip-}" ] && [ -n "${STRIP-}" ] && command -v "$STRIP" >/dev/null 2>&1; then
      for f in "$dir"/bin/* "$dir"/lib/*.so* "$dir"/lib/*.a; do
        if [ -f "$f" ] && ! [ -L "$f" ]; then
          "$STRIP" -S "$f" 2>/dev/null || true
        fi
      done
    fi
  done
  if [ -z "${dontPatchShebangs-}" ]; then
    for output in $outputs; do
      patchShebangs "${!output}"
    done
  fi
  mkdir -p "$out/nix-support"
  [ -z "${propagatedBuildInputs-}" ] || echo "$propagatedBuildInputs" > "$out/nix-support/propagated-build-inputs"
  [ -z "${propagatedNativeBuildInputs-}" ] || echo "$propagatedNativeBuildInputs" > "$out/nix-support/propagated-native-build-inputs"
  [ -z "${depsBuildBuildPropagated-}" ] || echo "$depsBuildBuildPropagated" > "$out/nix-support/propagated-build-build-deps"
  [ -z "${depsHostHostPropagated-}" ] || echo "$depsHostHostPropagated" > "$out/nix-support/propagated-host-host-deps"
  [ -z "${depsTargetTargetPropagated-}" ] || echo "$depsTargetTargetPropagated" > "$out/nix-support/propagated-target-target-deps"
  if [ -n "${setupHook-}" ]; then
    cp "$setupHook" "$out/nix-support/setup-hook"
  fi
  rmdir "$out/nix-support" 2>/dev/null || true
  runHook postFixup
}

# runPhase NAME: the phase as a string of commands, a function, or the default.
runPhase() {
  local phase="$1"
  local capital="${phase^}"
  capital="${capital%Phase}"
  local dontVar="dont$capital"
  if [ -n "${!dontVar-}" ]; then
    return 0
  fi
  case "$phase" in
    checkPhase) [ -n "${doCheck-}" ] || return 0 ;;
    installCheckPhase) [ -n "${doInstallCheck-}" ] || return 0 ;;
  esac
  echo "@ running $phase"
  if [ -n "${!phase-}" ]; then
    eval "${!phase}"
  else
    "$phase"
  fi
}

genericBuild() {
  export NIX_BUILD_TOP="${NIX_BUILD_TOP:-$(pwd)}"
  if [ -n "${buildCommandPath-}" ]; then
    # shellcheck disable=SC1090
    source "$buildCommandPath"
    return
  fi
  if [ -n "${buildCommand-}" ]; then
    eval "$buildCommand"
    return
  fi
  local allPhases="${phases:-${prePhases-} unpackPhase patchPhase ${preConfigurePhases-} configurePhase ${preBuildPhases-} buildPhase checkPhase ${preInstallPhases-} installPhase ${preFixupPhases-} fixupPhase installCheckPhase ${preDistPhases-} ${postPhases-}}"
  for phase in $allPhases; do
    runPhase "$phase"
  done
}

for output in $outputs; do
  export "$output=${!output}"
done
