#!/usr/bin/env bash
# Real builds of the package set with this machine's Debian toolchains, and
# checks of what comes out: ELF class and machine (or the PE header), the
# program's output under qemu-user (with the Debian cross sysroot as -L), the
# compiler named in the binary's .comment, and the separation of build and
# host compilers' flags.
#
#   NIX_BUILD   the build command (default: nix-build --option sandbox false
#               --option substituters '').  Anything that accepts
#               `FILE -A ATTR --arg NAME EXPR -o LINK` works (`tern build`).
#   NIX_RUN     a prefix that runs a command where the store is at /nix/store
#               (default: none; `tern with-store` for tern's own store), for
#               running what was built and following its links.
#
# Needs the Debian packages listed in stdlib/pkgs/README.md (cross GCCs,
# libc6-dev-*-cross, gcc-11-multilib, gcc-mingw-w64-x86-64, musl-tools,
# qemu-user).  A check whose toolchain is missing fails with the message of
# the build, which names the package to install.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stdlib="$(cd "$here/.." && pwd)"
read -r -a nix_build <<< "${NIX_BUILD:-nix-build --option sandbox false --option substituters ''}"
# An empty-string argument cannot survive `read`; restore it for the default.
if [ -z "${NIX_BUILD:-}" ]; then
  nix_build=(nix-build --option sandbox false --option substituters "")
fi
read -r -a run <<< "${NIX_RUN:-}"
export HOME="$(mktemp -d)"
unset NIXPKGS_CONFIG

out="$(mktemp -d)"
trap 'rm -rf "$out" "$HOME"' EXIT
passed=0
failed=0

ok() { echo "ok    $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }

# build NAME ATTR [extra nix-build args…]: builds into $out/NAME.
build() {
  local name="$1" attr="$2"
  shift 2
  if "${nix_build[@]}" "$stdlib" -A "$attr" --arg localSystem '"x86_64-linux"' --arg config '{}' "$@" \
    -o "$out/$name" >"$out/$name.log" 2>&1; then
    return 0
  fi
  fail "$name: building $attr failed:"
  grep -E 'error' "$out/$name.log" | head -5 | sed 's/^/      /'
  return 1
}

# elf_is FILE CLASS MACHINE: checks readelf's header fields.
elf_is() {
  local file="$1" class="$2" machine="$3" got_class got_machine
  got_class="$(readelf -h "$file" | sed -n 's/^ *Class: *//p')"
  got_machine="$(readelf -h "$file" | sed -n 's/^ *Machine: *//p')"
  [ "$got_class" = "$class" ] && [ "$got_machine" = "$machine" ] && return 0
  echo "      $file: $got_class / $got_machine, expected $class / $machine"
  return 1
}

# check_elf NAME ATTR PROGRAM CLASS MACHINE RUNNER EXPECTED [nix-build args…]
check_elf() {
  local name="$1" attr="$2" program="$3" class="$4" machine="$5" runner="$6" expected="$7"
  shift 7
  build "$name" "$attr" "$@" || return
  local bin="$out/$name/bin/$program" got
  if ! elf_is "$bin" "$class" "$machine"; then
    fail "$name: wrong ELF header"
    return
  fi
  # shellcheck disable=SC2086
  got="$("${run[@]}" $runner "$bin" 2>&1)"
  if [ "$got" != "$expected" ]; then
    fail "$name: '$runner $program' printed '$got', expected '$expected'"
    return
  fi
  ok "$name: $class $machine, ${runner%% *} prints '$expected' ($(comment_of "$bin"))"
}

comment_of() { readelf -p .comment "$1" 2>/dev/null | sed -n 's/^ *\[ *[0-9a-f]*\] *//p' | head -1; }

# check_comment NAME VERSION: the binary of the last check was made by GCC VERSION.
check_comment() {
  local name="$1" bin="$2" want="$3" got
  got="$(comment_of "$bin")"
  case "$got" in
    *") $want"*) ok "$name: .comment says '$got'" ;;
    *) fail "$name: .comment says '$got', expected GCC $want" ;;
  esac
}

gcc12='[ (self: super: { gcc = self.gcc12; }) ]'
native=""
q_a64="qemu-aarch64 -L /usr/aarch64-linux-gnu"
q_arm="qemu-arm -L /usr/arm-linux-gnueabihf"
q_rv="qemu-riscv64 -L /usr/riscv64-linux-gnu"
q_ppc="qemu-ppc64le -L /usr/powerpc64le-linux-gnu"
q_s390="qemu-s390x -L /usr/s390x-linux-gnu"
q_i386="qemu-i386"
q_x86="qemu-x86_64"

echo "-- native"
check_elf native-hello hello hello ELF64 "Advanced Micro Devices X86-64" "$q_x86" "Hello, world!"
check_elf native-greeter greeter greeter ELF64 "Advanced Micro Devices X86-64" "$q_x86" "Hello, greeter!"
check_comment native-hello-gcc11 "$out/native-hello/bin/hello" 11.3.0
check_elf native-gentable gentable gentable ELF64 "Advanced Micro Devices X86-64" "$q_x86" \
  "squares: 0 1 4 9 16 25 36 49 64 81 (table generated on x86_64)"
check_elf native-hello-gcc12 hello hello ELF64 "Advanced Micro Devices X86-64" "$q_x86" "Hello, world!" --arg overlays "$gcc12"
check_comment native-hello-gcc12 "$out/native-hello-gcc12/bin/hello" 12.2.0

echo "-- cross"
check_elf aarch64-hello pkgsCross.aarch64-multiplatform.hello hello ELF64 AArch64 "$q_a64" "Hello, world!"
check_comment aarch64-hello-gcc11 "$out/aarch64-hello/bin/hello" 11.3.0
check_elf aarch64-hello-gcc12 pkgsCross.aarch64-multiplatform.hello hello ELF64 AArch64 "$q_a64" "Hello, world!" --arg overlays "$gcc12"
check_comment aarch64-hello-gcc12 "$out/aarch64-hello-gcc12/bin/hello" 12.2.0
check_elf aarch64-greeter pkgsCross.aarch64-multiplatform.greeter greeter ELF64 AArch64 "$q_a64" "Hello, greeter!"
check_elf aarch64-gentable pkgsCross.aarch64-multiplatform.gentable gentable ELF64 AArch64 "$q_a64" \
  "squares: 0 1 4 9 16 25 36 49 64 81 (table generated on x86_64)"
if build aarch64-hostinfo pkgsCross.aarch64-multiplatform.hostinfo; then
  if grep -qx "pointer size: 8" "$out/aarch64-hostinfo/share/hostinfo.txt" && grep -q "run through: .*/bin/qemu-aarch64" "$out/aarch64-hostinfo/share/hostinfo.txt"; then
    ok "aarch64-hostinfo: host program ran through the emulator at build time ($(tr '\n' ';' < "$out/aarch64-hostinfo/share/hostinfo.txt"))"
  else
    fail "aarch64-hostinfo: no emulator run recorded"
  fi
fi
if build s390x-hostinfo pkgsCross.s390x.hostinfo; then
  if grep -qx "byte order: big-endian" "$out/s390x-hostinfo/share/hostinfo.txt"; then
    ok "s390x-hostinfo: the emulated probe measured a big-endian host"
  else
    fail "s390x-hostinfo: $(cat "$out/s390x-hostinfo/share/hostinfo.txt")"
  fi
fi

# riscv64: Debian 12 has no GCC 11 for it, so the default build must refuse in
# plain words; with the seed's gcc12 overlay it builds, with GCC 12.
if "${nix_build[@]}" "$stdlib" -A pkgsCross.riscv64.hello --arg localSystem '"x86_64-linux"' --arg config '{}' \
  -o "$out/riscv64-gcc11" >"$out/riscv64-gcc11.log" 2>&1; then
  fail "riscv64-hello-gcc11: built, but Debian has no GCC 11 for riscv64"
elif grep -q "Debian 12 has no GCC 11 for riscv64-unknown-linux-gnu" "$out/riscv64-gcc11.log"; then
  ok "riscv64-hello-gcc11: refused: $(grep -m1 'Debian 12 has no GCC 11' "$out/riscv64-gcc11.log" | cut -c1-110)…"
else
  fail "riscv64-hello-gcc11: failed without the expected explanation"
fi
check_elf riscv64-hello-gcc12 pkgsCross.riscv64.hello hello ELF64 "RISC-V" "$q_rv" "Hello, world!" --arg overlays "$gcc12"
check_comment riscv64-hello-gcc12 "$out/riscv64-hello-gcc12/bin/hello" 12.2.0

check_elf armv7l-greeter pkgsCross.armv7l-hf-multiplatform.greeter greeter ELF32 ARM "$q_arm" "Hello, greeter!"
check_elf armv7l-hello pkgsCross.armv7l-hf-multiplatform.hello hello ELF32 ARM "$q_arm" "Hello, world!"
check_elf raspberryPi-hello pkgsCross.raspberryPi.hello hello ELF32 ARM "$q_arm" "Hello, world!"
check_elf powernv-hello pkgsCross.powernv.hello hello ELF64 "PowerPC64" "$q_ppc" "Hello, world!"
check_elf s390x-greeter pkgsCross.s390x.greeter greeter ELF64 "IBM S/390" "$q_s390" "Hello, greeter!"
check_elf gnu32-hello pkgsCross.gnu32.hello hello ELF32 "Intel 80386" "$q_i386" "Hello, world!"
check_elf i686-hello pkgsi686Linux.hello hello ELF32 "Intel 80386" "$q_i386" "Hello, world!"
check_elf i686-hello-direct pkgsi686Linux.hello hello ELF32 "Intel 80386" "env" "Hello, world!"
check_elf musl64-hello pkgsCross.musl64.hello hello ELF64 "Advanced Micro Devices X86-64" "$q_x86" "Hello, world!"
if check_elf static-hello pkgsStatic.hello hello ELF64 "Advanced Micro Devices X86-64" "$q_x86" "Hello, world!"; then :; fi
if [ -e "$out/static-hello/bin/hello" ]; then
  if readelf -l "$out/static-hello/bin/hello" | grep -q INTERP; then
    fail "static-hello: has a program interpreter (not static)"
  else
    ok "static-hello: statically linked (no PT_INTERP)"
  fi
fi

# mingwW64: a PE32+ x86-64 executable (no wine here to run it).
if build mingw-hello pkgsCross.mingwW64.hello; then
  exe="$out/mingw-hello/bin/hello.exe"
  sig="$(od -An -c -N2 "$exe" | tr -d ' ')"
  pe_off=$(( $(od -An -tu4 -j60 -N4 "$exe") ))
  pe_sig="$(od -An -tx1 -j"$pe_off" -N6 "$exe" | tr -d ' ')"
  # "PE\0\0" then machine 0x8664 (little-endian 64 86).
  if [ "$sig" = "MZ" ] && [ "$pe_sig" = "504500006486" ]; then
    ok "mingw-hello: hello.exe is a PE image for x86-64 ($(strings -a "$exe" | grep -m1 'GCC: ' || true))"
  else
    fail "mingw-hello: not a PE x86-64 image (MZ='$sig', PE header '$pe_sig')"
  fi
fi

# A toolchain this machine lacks: the build fails naming the Debian package.
if "${nix_build[@]}" "$stdlib" -A pkgsCross.mips64el-linux-gnuabi64.hello --arg localSystem '"x86_64-linux"' --arg config '{}' \
  -o "$out/mips" >"$out/mips.log" 2>&1; then
  ok "missing-toolchain: mips64el built (its toolchain is installed here)"
elif grep -qE "apt-get install -y (gcc-11|binutils)-mips64el-linux-gnuabi64" "$out/mips.log"; then
  ok "missing-toolchain: $(grep -m1 'apt-get install' "$out/mips.log" | sed 's/^error: //' | cut -c1-120)"
else
  fail "missing-toolchain: the failure does not name the Debian package"
fi

# The cross wrapper offers the prefixed tools.
if build aarch64-cc pkgsCross.aarch64-multiplatform.stdenv.cc; then
  missing=""
  for tool in cc gcc g++ c++ cpp ld ar ranlib strip objdump nm; do
    "${run[@]}" test -e "$out/aarch64-cc/bin/aarch64-unknown-linux-gnu-$tool" || missing="$missing $tool"
  done
  if [ -z "$missing" ]; then
    ok "cc-wrapper: aarch64-unknown-linux-gnu-{cc,gcc,g++,c++,cpp,ld,ar,ranlib,strip,objdump,nm} present"
  else
    fail "cc-wrapper: missing prefixed tools:$missing"
  fi
fi

# The build compiler and the host compiler see different dependencies: a
# host library (libgreet, buildInputs) reaches only the host compiler, a
# build library (zlib, depsBuildBuild) only the build compiler.  (Debian's
# cross compilers also search /usr/include, so the check looks at where the
# header was found, not only whether it was.)
role_expr="
  let
    X = import $stdlib { localSystem = \"x86_64-linux\"; crossSystem = { config = \"aarch64-unknown-linux-gnu\"; }; config = {}; overlays = []; };
  in
  X.callPackage ({ stdenv, buildPackages, libgreet, zlib }: stdenv.mkDerivation {
    pname = \"role-check\";
    version = \"1\";
    dontUnpack = true;
    depsBuildBuild = [ buildPackages.stdenv.cc zlib ];
    buildInputs = [ libgreet ];
    installPhase = ''
      mkdir -p \$out
      echo '#include <greet.h>' > greet.c
      echo '#include <zlib.h>' > zlib.c
      # Does this compiler resolve the header to the dependency's store path?
      r() { if \"\$@\" 2>/dev/null | grep -q '^# 1 \"/nix/store/'; then echo yes; else echo no; fi; }
      echo \"host-greet=\$(r \$CC -E greet.c) host-zlib=\$(r \$CC -E zlib.c) build-greet=\$(r cc -E greet.c) build-zlib=\$(r cc -E zlib.c)\" > \$out/result
    '';
  }) {}"
if "${nix_build[@]}" -E "$role_expr" -o "$out/role" >"$out/role.log" 2>&1; then
  got="$(cat "$out/role/result")"
  if [ "$got" = "host-greet=yes host-zlib=no build-greet=no build-zlib=yes" ]; then
    ok "compiler roles: $got"
  else
    fail "compiler roles: $got"
  fi
else
  fail "compiler roles: build failed"
  grep error "$out/role.log" | head -5 | sed 's/^/      /'
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
