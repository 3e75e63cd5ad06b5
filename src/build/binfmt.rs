//! A private binfmt_misc instance per builder: emulation with no setup on
//! the host.
//!
//! Since Linux 6.7 each user namespace may mount its own binfmt_misc, and
//! what is registered there applies to that namespace only. A builder for
//! an emulated system gets such an instance in its user and mount
//! namespace, with `qemu-<arch>` registered for ELF programs of that
//! machine and the `F` flag (the kernel opens qemu at registration, so it
//! is found from any root the builder later sees). Every foreign program
//! the build starts, not just the builder, then runs under qemu; the host's
//! own binfmt_misc (which may have nothing registered, or not be mounted at
//! all) is never touched.
//!
//! [`registration`] writes the `register` line; [`mount_and_register`]
//! runs in the forked child before `exec`.

use std::ffi::CStr;
use std::io;
use std::path::Path;

/// Where binfmt_misc is mounted (inside the builder's mount namespace).
const MOUNT_POINT: &CStr = c"/proc/sys/fs/binfmt_misc";
const REGISTER: &CStr = c"/proc/sys/fs/binfmt_misc/register";

/// ELF identity of a Nix CPU: 64-bit?, big-endian?, `e_machine`.
fn elf_identity(cpu: &str) -> Option<(bool, bool, u16)> {
    Some(match cpu {
        "aarch64" => (true, false, 183),
        "aarch64_be" => (true, true, 183),
        "armv5tel" | "armv6l" | "armv7l" | "armv7a" | "arm" => (false, false, 40),
        "riscv64" => (true, false, 243),
        "riscv32" => (false, false, 243),
        "powerpc64le" => (true, false, 21),
        "powerpc64" => (true, true, 21),
        "powerpc" => (false, true, 20),
        "s390x" => (true, true, 22),
        "mips64el" => (true, false, 8),
        "mips64" => (true, true, 8),
        "mipsel" => (false, false, 8),
        "mips" => (false, true, 8),
        "loongarch64" => (true, false, 258),
        "sparc64" => (true, true, 43),
        "m68k" => (false, true, 4),
        "i686" => (false, false, 3),
        "x86_64" => (true, false, 62),
        _ => return None,
    })
}

/// The line to write to `register` so that ELF executables and shared
/// objects of `system` run under `qemu`, or `None` for a system without a
/// known ELF identity or a qemu path binfmt_misc cannot take.
pub(crate) fn registration(system: &str, qemu: &Path) -> Option<Vec<u8>> {
    let (cpu, _) = system.split_once('-')?;
    let arch = super::platform::qemu_arch(system)?;
    let (wide, big, machine) = elf_identity(cpu)?;
    let interpreter = qemu.as_os_str().as_encoded_bytes();
    if interpreter.contains(&b':') || interpreter.contains(&b'\n') || !qemu.is_absolute() {
        return None;
    }
    let pair = |v: u16| if big { v.to_be_bytes() } else { v.to_le_bytes() };
    // e_ident: magic, class, data, version, OS ABI (any), ABI version and padding (0).
    let mut magic = vec![0x7f, b'E', b'L', b'F', if wide { 2 } else { 1 }, if big { 2 } else { 1 }, 1, 0];
    let mut mask = vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
    magic.extend([0; 8]);
    mask.extend([0xff; 8]);
    // e_type: executables (2) and position-independent ones (3) alike.
    magic.extend(pair(2));
    mask.extend(pair(0xfffe));
    magic.extend(pair(machine));
    mask.extend([0xff, 0xff]);
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("\\x{b:02x}")).collect::<String>();
    let mut line = format!(":qemu-{arch}:M::{}:{}:", hex(&magic), hex(&mask)).into_bytes();
    line.extend(interpreter);
    line.extend(b":F");
    Some(line)
}

/// Mounts a fresh binfmt_misc instance over the usual place and, with a
/// `line` from [`registration`], registers it. Must run in a new user and
/// mount namespace (else it would change the host's); async-signal-safe.
///
/// # Safety
/// Only system calls; for use between `fork` and `exec`.
pub(crate) unsafe fn mount_and_register(line: Option<&CStr>) -> io::Result<()> {
    if libc::mount(c"binfmt_misc".as_ptr(), MOUNT_POINT.as_ptr(), c"binfmt_misc".as_ptr(), 0, std::ptr::null()) != 0 {
        return Err(io::Error::last_os_error());
    }
    let Some(line) = line else { return Ok(()) };
    let fd = libc::open(REGISTER.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    let bytes = line.to_bytes();
    let n = libc::write(fd, bytes.as_ptr().cast(), bytes.len());
    let error = io::Error::last_os_error();
    libc::close(fd);
    if n != bytes.len() as isize {
        return Err(error);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aarch64_line_matches_qemus_own() {
        // The magic and mask that qemu's qemu-binfmt-conf.sh gives aarch64.
        let line = registration("aarch64-linux", Path::new("/usr/bin/qemu-aarch64")).unwrap();
        let expected = concat!(
            ":qemu-aarch64:M::",
            "\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:",
            "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:",
            "/usr/bin/qemu-aarch64:F"
        );
        assert_eq!(String::from_utf8(line).unwrap(), expected);
    }

    #[test]
    fn big_endian_and_32_bit() {
        let line = String::from_utf8(registration("s390x-linux", Path::new("/q/qemu-s390x")).unwrap()).unwrap();
        assert!(line.contains("\\x02\\x02\\x01\\x00"), "64-bit big-endian: {line}");
        assert!(line.contains("\\x00\\x02\\x00\\x16:"), "e_type and e_machine big-endian: {line}");
        let line = String::from_utf8(registration("armv7l-linux", Path::new("/q/qemu-arm")).unwrap()).unwrap();
        assert!(line.starts_with(":qemu-arm:M::\\x7f\\x45\\x4c\\x46\\x01\\x01"), "{line}");
        assert!(line.ends_with("\\x02\\x00\\x28\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/q/qemu-arm:F"), "{line}");
    }

    #[test]
    fn refuses_what_binfmt_cannot_take() {
        assert!(registration("aarch64-linux", Path::new("qemu-aarch64")).is_none(), "relative path");
        assert!(registration("aarch64-linux", Path::new("/a:b/qemu-aarch64")).is_none(), "colon");
        assert!(registration("x86_64-darwin", Path::new("/q")).is_none());
    }
}
