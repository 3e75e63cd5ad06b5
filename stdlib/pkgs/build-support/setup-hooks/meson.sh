# Setup hook of `meson`: configure with meson into build/, build and install
# with ninja.  When cross-compiling it writes a cross file from the stdenv's
# tools (CPU family and endianness read off the compiler); mesonEmulatorHook
# adds a second one with the emulator as exe_wrapper.
mesonConfigurePhase() {
  runHook preConfigure
  local flags=(
    "--prefix=$prefix"
    "--libdir=lib"
    "--buildtype=${mesonBuildType:-release}"
    "--wrap-mode=nodownload"
  )
  if hasOutput dev; then flags+=("--includedir=$dev/include"); fi
  if hasOutput bin; then flags+=("--bindir=$bin/bin"); fi
  if [ -n "${stdenvCrossCompiling-}" ]; then
    local triple cpu family endian system
    triple="$($CC -dumpmachine)"
    cpu="${triple%%-*}"
    case "$cpu" in
      i?86) family=x86 ;;
      arm*) family=arm ;;
      powerpc64*) family=ppc64 ;;
      powerpc*) family=ppc ;;
      mips64*) family=mips64 ;;
      mips*) family=mips ;;
      *) family="$cpu" ;;
    esac
    if $CC -dM -E - < /dev/null | grep -q '__BYTE_ORDER__ __ORDER_BIG_ENDIAN__'; then endian=big; else endian=little; fi
    case "$triple" in
      *mingw*) system=windows ;;
      *linux*) system=linux ;;
      *) system=none ;;
    esac
    {
      echo "[binaries]"
      echo "c = '$(command -v "$CC")'"
      if command -v "$CXX" > /dev/null; then echo "cpp = '$(command -v "$CXX")'"; fi
      echo "ar = '$(command -v "$AR")'"
      echo "strip = '$(command -v "$STRIP")'"
      if command -v "${PKG_CONFIG:-pkg-config}" > /dev/null; then
        echo "pkg-config = '$(command -v "${PKG_CONFIG:-pkg-config}")'"
      fi
      echo
      echo "[host_machine]"
      echo "system = '$system'"
      echo "cpu_family = '$family'"
      echo "cpu = '$cpu'"
      echo "endian = '$endian'"
    } > "$NIX_BUILD_TOP/meson-cross.conf"
    flags+=("--cross-file=$NIX_BUILD_TOP/meson-cross.conf")
  fi
  # shellcheck disable=SC2206
  flags+=(${mesonFlags-})
  echoCmd 'meson flags' "${flags[@]}"
  meson setup build "${flags[@]}"
  cd build
  runHook postConfigure
}

ninjaBuildPhase() {
  runHook preBuild
  # shellcheck disable=SC2086
  ninja -j"$NIX_BUILD_CORES" ${ninjaFlags-}
  runHook postBuild
}

ninjaInstallPhase() {
  runHook preInstall
  # shellcheck disable=SC2086
  ninja install ${ninjaFlags-}
  runHook postInstall
}

if [ -z "${dontUseMesonConfigure-}" ] && [ -z "${configurePhase-}" ]; then
  configurePhase=mesonConfigurePhase
  [ -n "${buildPhase-}" ] || buildPhase=ninjaBuildPhase
  [ -n "${installPhase-}" ] || installPhase=ninjaInstallPhase
fi
