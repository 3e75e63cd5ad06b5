# Setup hook of `cmake`: configures in build/ with the stdenv's compilers.
# When cross-compiling it writes a toolchain file naming the host system and
# processor (read off the compiler's target triple) and the cross tools.
cmakeConfigurePhase() {
  runHook preConfigure
  local flags=(
    "-DCMAKE_INSTALL_PREFIX=$prefix"
    "-DCMAKE_BUILD_TYPE=${cmakeBuildType:-Release}"
    "-DCMAKE_INSTALL_LIBDIR=lib"
    "-DBUILD_TESTING=OFF"
  )
  if hasOutput dev; then flags+=("-DCMAKE_INSTALL_INCLUDEDIR=$dev/include"); fi
  if hasOutput bin; then flags+=("-DCMAKE_INSTALL_BINDIR=$bin/bin"); fi
  if [ -n "${stdenvCrossCompiling-}" ]; then
    local triple processor system
    triple="$($CC -dumpmachine)"
    processor="${triple%%-*}"
    case "$triple" in
      *mingw*) system=Windows ;;
      *darwin*) system=Darwin ;;
      *linux*) system=Linux ;;
      *) system=Generic ;;
    esac
    {
      echo "set(CMAKE_SYSTEM_NAME $system)"
      echo "set(CMAKE_SYSTEM_PROCESSOR $processor)"
      echo "set(CMAKE_C_COMPILER $(command -v "$CC"))"
      if command -v "$CXX" > /dev/null; then echo "set(CMAKE_CXX_COMPILER $(command -v "$CXX"))"; fi
      echo "set(CMAKE_AR $(command -v "$AR") CACHE FILEPATH \"\")"
      echo "set(CMAKE_RANLIB $(command -v "$RANLIB") CACHE FILEPATH \"\")"
      echo "set(CMAKE_STRIP $(command -v "$STRIP") CACHE FILEPATH \"\")"
      echo "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)"
    } > "$NIX_BUILD_TOP/cross-toolchain.cmake"
    flags+=("-DCMAKE_TOOLCHAIN_FILE=$NIX_BUILD_TOP/cross-toolchain.cmake")
  fi
  mkdir -p build
  cd build
  # shellcheck disable=SC2206
  flags+=(${cmakeFlags-})
  echoCmd 'cmake flags' "${flags[@]}"
  cmake .. "${flags[@]}"
  runHook postConfigure
}

if [ -z "${dontUseCmakeConfigure-}" ] && [ -z "${configurePhase-}" ]; then
  configurePhase=cmakeConfigurePhase
fi
