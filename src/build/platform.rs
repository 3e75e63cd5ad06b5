//! Which systems this machine can build for, and how.
//!
//! A derivation names the system its builder runs on (`system`, e.g.
//! `aarch64-linux`). This module answers "can I run that here?" before any
//! build starts, and says why not in plain words when the answer is no.
//!
//! * **Native**: the host's own system (from `uname -m`), plus the systems
//!   its CPU runs directly: `i686-linux` on `x86_64-linux` (as CppNix and
//!   Guix assume).
//! * **Emulated**: systems listed in `extra-platforms` (the option
//!   `--extra-platforms`, or `extra-platforms = …` in `tern.conf`). Such a
//!   system is runnable when the kernel already hands its binaries to an
//!   emulator (a `binfmt_misc` entry named `qemu-<arch>`, as Debian's
//!   `qemu-user-binfmt`/`qemu-user-static` register), or when a
//!   `qemu-<arch>` binary is on `PATH` (Debian's `qemu-user`): then the
//!   builder is started as `qemu-<arch> <builder> args…`, which is what
//!   binfmt_misc would do for the first process. Programs the builder
//!   starts itself are not wrapped, so without binfmt_misc this suits
//!   statically linked builders that do their work themselves.
//! * **Features**: `requiredSystemFeatures` must be a subset of what this
//!   machine offers (`benchmark`, `big-parallel`, plus `kvm` and
//!   `nixos-test` when `/dev/kvm` exists, plus `system-features` from the
//!   configuration).
//!
//! The refusal text follows CppNix/Guix ("a 'aarch64-linux' is required to
//! build '…drv', but I am a 'x86_64-linux'") with a hint that names the
//! package and option that would make it work.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How a derivation's builder is started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Runner {
    /// Executed directly (native, or emulated by the kernel's binfmt_misc).
    Direct,
    /// Executed as `qemu <builder> args…`.
    Qemu(PathBuf),
    /// Executed directly in a user namespace with its own binfmt_misc,
    /// where this qemu is registered for the system's programs.
    PrivateBinfmt(PathBuf),
}

/// What an emulated system goes through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Emulation {
    /// The kernel runs its binaries through a registered binfmt_misc handler.
    Binfmt(String),
    /// tern wraps the builder in this qemu-user binary.
    Qemu(PathBuf),
    /// Each builder registers this qemu-user binary in a binfmt_misc
    /// instance of its own (see `binfmt`).
    PrivateBinfmt(PathBuf),
    /// Listed in `extra-platforms`, but nothing here can run it.
    Missing,
}

/// The systems and features of this machine.
#[derive(Clone, Debug)]
pub struct Platforms {
    /// The host system, e.g. `x86_64-linux`.
    pub host: String,
    /// Systems run natively, the host first.
    pub native: Vec<String>,
    /// `extra-platforms` entries that are not native, in the order given.
    pub extra: Vec<(String, Emulation)>,
    pub features: BTreeSet<String>,
    /// The `PATH` searched for qemu binaries.
    search_path: Option<std::ffi::OsString>,
}

/// The Nix system name of the running machine.
pub fn host_system() -> String {
    // SAFETY: uname fills the struct it is given.
    let machine = unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) == 0 {
            std::ffi::CStr::from_ptr(u.machine.as_ptr()).to_string_lossy().into_owned()
        } else {
            std::env::consts::ARCH.to_string()
        }
    };
    let cpu = match machine.as_str() {
        "amd64" => "x86_64",
        "i386" | "i486" | "i586" => "i686",
        "arm64" => "aarch64",
        "ppc64le" => "powerpc64le",
        "ppc64" => "powerpc64",
        "ppc" => "powerpc",
        other => other,
    };
    format!("{cpu}-linux")
}

/// Systems the host's CPU and kernel run without emulation.
pub fn native_systems(host: &str) -> Vec<String> {
    let mut v = vec![host.to_string()];
    if host == "x86_64-linux" {
        v.push("i686-linux".to_string());
    }
    v
}

/// Linux systems `--list-systems` offers when qemu-user can run them here.
const EMULATION_CANDIDATES: &[&str] = &[
    "aarch64-linux",
    "armv6l-linux",
    "armv7l-linux",
    "i686-linux",
    "loongarch64-linux",
    "mips64el-linux",
    "mipsel-linux",
    "powerpc64-linux",
    "powerpc64le-linux",
    "riscv64-linux",
    "s390x-linux",
    "x86_64-linux",
];

/// The qemu-user architecture name for a Linux system (`qemu-<arch>`).
pub fn qemu_arch(system: &str) -> Option<&'static str> {
    let (cpu, os) = system.split_once('-')?;
    if os != "linux" {
        return None;
    }
    Some(match cpu {
        "aarch64" => "aarch64",
        "aarch64_be" => "aarch64_be",
        "armv5tel" | "armv6l" | "armv7l" | "armv7a" | "arm" => "arm",
        "riscv64" => "riscv64",
        "riscv32" => "riscv32",
        "powerpc64le" => "ppc64le",
        "powerpc64" => "ppc64",
        "powerpc" => "ppc",
        "s390x" => "s390x",
        "mips64el" => "mips64el",
        "mips64" => "mips64",
        "mipsel" => "mipsel",
        "mips" => "mips",
        "loongarch64" => "loongarch64",
        "sparc64" => "sparc64",
        "m68k" => "m68k",
        "x86_64" => "x86_64",
        "i686" => "i386",
        _ => return None,
    })
}

/// ELF machine numbers (`e_machine`), the name to show, and the Nix CPU names using them.
const ELF_MACHINES: &[(u16, &str, &[&str])] = &[
    (62, "x86-64", &["x86_64"]),
    (3, "i386", &["i686"]),
    (183, "aarch64", &["aarch64", "aarch64_be"]),
    (40, "arm", &["armv5tel", "armv6l", "armv7l", "armv7a", "arm"]),
    (243, "riscv", &["riscv64", "riscv32"]),
    (21, "powerpc64", &["powerpc64le", "powerpc64"]),
    (20, "powerpc", &["powerpc"]),
    (22, "s390x", &["s390x"]),
    (8, "mips", &["mips64el", "mips64", "mipsel", "mips"]),
    (258, "loongarch64", &["loongarch64"]),
    (43, "sparc64", &["sparc64"]),
    (4, "m68k", &["m68k"]),
];

/// Why a builder cannot run under qemu-user for `system`, if it cannot: qemu-user runs
/// only ELF programs of its own architecture, so a builder that is a script or a program
/// for this machine (`/bin/sh`) fails there with an obscure message. `file` is the
/// builder's physical path, `shown` its name in the derivation; `scripts_run` when binfmt_misc
/// runs the interpreter of a script.
pub fn emulated_builder_problem(
    file: &Path,
    shown: &str,
    system: &str,
    qemu: &Path,
    scripts_run: bool,
) -> Option<String> {
    use std::io::Read;
    let mut head = [0u8; 20];
    let n = std::fs::File::open(file).and_then(|mut f| f.read(&mut head)).ok()?;
    let qemu = qemu.file_name().map(|q| q.to_string_lossy().into_owned()).unwrap_or_default();
    let what = if head[..n].starts_with(b"#!") {
        if scripts_run {
            return None;
        }
        format!("is a script, and {qemu} runs only ELF programs (its interpreter would need binfmt_misc)")
    } else if n == 20 && head.starts_with(b"\x7fELF") {
        let machine = if head[5] == 2 {
            u16::from_be_bytes([head[18], head[19]])
        } else {
            u16::from_le_bytes([head[18], head[19]])
        };
        let cpu = system.split_once('-')?.0;
        let &(expected, arch, _) = ELF_MACHINES.iter().find(|(_, _, cpus)| cpus.contains(&cpu))?;
        if machine == expected {
            return None;
        }
        let found = ELF_MACHINES.iter().find(|(m, _, _)| *m == machine).map(|(_, name, _)| name.to_string());
        format!(
            "is a program for {}, and {qemu} runs only {arch} programs",
            found.unwrap_or_else(|| format!("ELF machine {machine}"))
        )
    } else {
        return None;
    };
    let target = gnu_target(system.split_once('-').map(|c| c.0).unwrap_or(system));
    Some(format!(
        "cannot build for '{system}' under emulation: the builder '{shown}' {what}\n\
         hint: an emulated build needs a builder made for '{system}'; to build for it with this machine's \
         tools, cross-compile instead (e.g. 'tern build --target {target} …', or a 'pkgsCross' package set)"
    ))
}

/// A GNU/Linux target `config` for a Nix CPU name that `--target` accepts: 32-bit ARM
/// has no plain "gnu" ABI (hard-float `gnueabihf` from ARMv7 on, `gnueabi` before).
pub fn gnu_target(cpu: &str) -> String {
    match cpu {
        "armv7l" | "armv7a" | "armv6l" => format!("{cpu}-unknown-linux-gnueabihf"),
        "armv5tel" | "arm" => format!("{cpu}-unknown-linux-gnueabi"),
        _ => format!("{cpu}-linux-gnu"),
    }
}

/// Finds `name` in the directories of `path` (a `PATH` value).
fn find_in_path(name: &str, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = path?;
    std::env::split_paths(path)
        .filter(|d| d.is_absolute())
        .map(|d| d.join(name))
        .find(|p| std::fs::metadata(p).map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false))
}

/// Is a binfmt_misc handler for `qemu-<arch>` registered and enabled?
fn binfmt_handler(arch: &str) -> Option<String> {
    let dir = Path::new("/proc/sys/fs/binfmt_misc");
    for name in [format!("qemu-{arch}"), format!("qemu-{arch}-static")] {
        if let Ok(text) = std::fs::read_to_string(dir.join(&name)) {
            if text.lines().next() == Some("enabled") {
                return Some(name);
            }
        }
    }
    None
}

fn default_features() -> BTreeSet<String> {
    let mut f: BTreeSet<String> = ["benchmark", "big-parallel"].iter().map(|s| s.to_string()).collect();
    if Path::new("/dev/kvm").exists() {
        f.insert("kvm".into());
        f.insert("nixos-test".into());
    }
    f
}

fn braces(set: &BTreeSet<String>) -> String {
    format!("{{{}}}", set.iter().cloned().collect::<Vec<_>>().join(", "))
}

impl Platforms {
    /// Inspects this machine: native systems, the given extra platforms
    /// (looking for binfmt_misc handlers and `qemu-<arch>` on `PATH`), and
    /// the extra system features.
    pub fn detect(extra_platforms: &[String], extra_features: &[String]) -> Platforms {
        let path = std::env::var_os("PATH");
        let wanted = extra_platforms.iter().any(|s| !native_systems(&host_system()).contains(s));
        // Probing forks a child: only when an emulated system is asked for.
        let private = wanted && super::sandbox::private_binfmt();
        Platforms::detect_with(&host_system(), extra_platforms, extra_features, path.as_deref(), private)
    }

    /// `private_binfmt`: whether builders can have their own binfmt_misc
    /// instance; preferred to the host's registrations and to wrapping.
    pub fn detect_with(
        host: &str,
        extra_platforms: &[String],
        extra_features: &[String],
        path: Option<&std::ffi::OsStr>,
        private_binfmt: bool,
    ) -> Platforms {
        let native = native_systems(host);
        let mut extra: Vec<(String, Emulation)> = Vec::new();
        for sys in extra_platforms {
            if native.contains(sys) || extra.iter().any(|(s, _)| s == sys) {
                continue;
            }
            let how = match qemu_arch(sys) {
                Some(arch) => {
                    let qemu = find_in_path(&format!("qemu-{arch}"), path);
                    match (qemu, binfmt_handler(arch)) {
                        (Some(q), _) if private_binfmt => Emulation::PrivateBinfmt(q),
                        (_, Some(h)) => Emulation::Binfmt(h),
                        (Some(q), None) => Emulation::Qemu(q),
                        (None, None) => Emulation::Missing,
                    }
                }
                None => Emulation::Missing,
            };
            extra.push((sys.clone(), how));
        }
        let mut features = default_features();
        features.extend(extra_features.iter().cloned());
        Platforms { host: host.to_string(), native, extra, features, search_path: path.map(|p| p.to_os_string()) }
    }

    /// How to run a builder for `system`, or `None` if this machine cannot.
    pub fn runner(&self, system: &str) -> Option<Runner> {
        // `builtin:` builders run inside tern on every machine.
        if system == "builtin" || self.native.iter().any(|s| s == system) {
            return Some(Runner::Direct);
        }
        match self.extra.iter().find(|(s, _)| s == system).map(|(_, how)| how) {
            Some(Emulation::Binfmt(_)) => Some(Runner::Direct),
            Some(Emulation::Qemu(q)) => Some(Runner::Qemu(q.clone())),
            Some(Emulation::PrivateBinfmt(q)) => Some(Runner::PrivateBinfmt(q.clone())),
            Some(Emulation::Missing) | None => None,
        }
    }

    /// Checks that a derivation for `system` needing `required` features can
    /// be built here; the error is the complete refusal text (message, then
    /// a hint line).
    pub fn check(&self, drv_path: &str, system: &str, required: &BTreeSet<String>) -> Result<Runner, String> {
        let runner = self.runner(system);
        let missing: Vec<&String> = required.iter().filter(|f| !self.features.contains(*f)).collect();
        if let (Some(r), true) = (&runner, missing.is_empty()) {
            return Ok(r.clone());
        }
        let mut msg = if required.is_empty() {
            format!("a '{system}' is required to build '{drv_path}', but I am a '{}'", self.host)
        } else {
            format!(
                "a '{system}' with features {} is required to build '{drv_path}', but I am a '{}' with features {}",
                braces(required),
                self.host,
                braces(&self.features)
            )
        };
        msg.push('\n');
        if runner.is_some() {
            let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            let _ = write!(
                msg,
                "hint: this machine lacks the system feature{} {}; if it really has {}, add them to \
                 'system-features' in tern.conf",
                if names.len() == 1 { "" } else { "s" },
                names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", "),
                if names.len() == 1 { "it" } else { "them" },
            );
            return Err(msg);
        }
        msg.push_str(&self.hint(system));
        Err(msg)
    }

    /// The plain-words advice for a system this machine cannot run.
    fn hint(&self, system: &str) -> String {
        let Some(arch) = qemu_arch(system) else {
            return format!(
                "hint: tern cannot emulate '{system}' here; build it on a '{system}' machine, or choose a \
                 system this machine can run (see 'tern build --list-systems')"
            );
        };
        let qemu = format!("qemu-{arch}");
        let listed = self.extra.iter().any(|(s, _)| s == system);
        if listed {
            format!(
                "hint: '{system}' is in extra-platforms, but '{qemu}' is not on PATH and no binfmt_misc handler \
                 is registered for it; install qemu-user (Debian: 'apt install qemu-user'), which provides '{qemu}'"
            )
        } else if find_in_path(&qemu, self.search_path.as_deref()).is_some() {
            format!(
                "hint: '{qemu}' is installed, so tern can build this under emulation: pass \
                 '--extra-platforms {system}' (or put 'extra-platforms = {system}' in tern.conf)"
            )
        } else {
            format!(
                "hint: to build it here under emulation, install qemu-user (Debian: 'apt install qemu-user', \
                 which provides '{qemu}') and pass '--extra-platforms {system}' (or put \
                 'extra-platforms = {system}' in tern.conf)"
            )
        }
    }

    /// The `--list-systems` text (Guix's shape), marking `current`.
    pub fn list(&self, current: &str) -> String {
        let mut out = String::from("The available systems are:\n\n");
        let mark = |s: &str| if s == current { " [current]" } else { "" };
        for s in &self.native {
            let _ = writeln!(out, "   - {s}{}", mark(s));
        }
        for (s, how) in &self.extra {
            match how {
                Emulation::Binfmt(h) => {
                    let _ = writeln!(out, "   - {s}{} (emulated: binfmt_misc '{h}')", mark(s));
                }
                Emulation::Qemu(q) => {
                    let _ = writeln!(out, "   - {s}{} (emulated: {})", mark(s), q.display());
                }
                Emulation::PrivateBinfmt(q) => {
                    let _ = writeln!(out, "   - {s}{} (emulated: {} in a private binfmt_misc)", mark(s), q.display());
                }
                Emulation::Missing => {}
            }
        }
        // Systems the machine could emulate but that are not enabled: say how.
        let mut possible = Vec::new();
        for sys in EMULATION_CANDIDATES {
            if self.native.iter().any(|s| s == sys) || self.extra.iter().any(|(s, _)| s == sys) {
                continue;
            }
            let Some(arch) = qemu_arch(sys) else { continue };
            if binfmt_handler(arch).is_some() {
                possible.push(format!("   - {sys} (binfmt_misc 'qemu-{arch}')"));
            } else if let Some(q) = find_in_path(&format!("qemu-{arch}"), self.search_path.as_deref()) {
                possible.push(format!("   - {sys} ({})", q.display()));
            }
        }
        if !possible.is_empty() {
            out.push_str("\nAlso available under emulation with '--extra-platforms SYSTEM' (or 'extra-platforms' in tern.conf):\n\n");
            for p in possible {
                out.push_str(&p);
                out.push('\n');
            }
        }
        out
    }

    /// Extra platforms that were asked for but cannot run, with advice.
    pub fn unusable_extras(&self) -> Vec<String> {
        self.extra
            .iter()
            .filter(|(_, how)| *how == Emulation::Missing)
            .map(|(s, _)| match qemu_arch(s) {
                Some(arch) => format!(
                    "extra platform '{s}' is unusable: neither 'qemu-{arch}' on PATH nor a binfmt_misc handler \
                     (install qemu-user)"
                ),
                None => format!("extra platform '{s}' is unusable: tern knows no emulator for it"),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plat(extra: &[&str], path: &str) -> Platforms {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        Platforms::detect_with("x86_64-linux", &extra, &[], Some(std::ffi::OsStr::new(path)), false)
    }

    #[test]
    fn native_and_i686() {
        let p = plat(&[], "/nonexistent");
        assert_eq!(p.runner("x86_64-linux"), Some(Runner::Direct));
        assert_eq!(p.runner("i686-linux"), Some(Runner::Direct));
        assert_eq!(p.runner("aarch64-linux"), None);
        assert!(p.list("x86_64-linux").starts_with("The available systems are:\n\n   - x86_64-linux [current]\n"));
    }

    #[test]
    fn refusal_shape() {
        let p = plat(&[], "/nonexistent");
        let d = "/nix/store/pw6n85c81l82a29vz7nvbr7d54syrabh-arm.drv";
        let e = p.check(d, "aarch64-linux", &BTreeSet::new()).unwrap_err();
        assert!(e.starts_with(&format!("a 'aarch64-linux' is required to build '{d}', but I am a 'x86_64-linux'\n")));
        assert!(e.contains("qemu-user") && e.contains("--extra-platforms aarch64-linux"), "{e}");
        let e = p.check(d, "x86_64-darwin", &BTreeSet::new()).unwrap_err();
        assert!(e.contains("cannot emulate"), "{e}");
    }

    #[test]
    fn features() {
        let p = plat(&[], "/nonexistent");
        let req: BTreeSet<String> = ["big-parallel".to_string()].into();
        assert!(p.check("/x.drv", "x86_64-linux", &req).is_ok());
        let req: BTreeSet<String> = ["gpu".to_string()].into();
        let e = p.check("/x.drv", "x86_64-linux", &req).unwrap_err();
        assert!(e.starts_with("a 'x86_64-linux' with features {gpu} is required"), "{e}");
    }

    #[test]
    fn qemu_on_path() {
        let dir = tempfile::tempdir().unwrap();
        let q = dir.path().join("qemu-riscv64");
        std::fs::write(&q, "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&q, std::fs::Permissions::from_mode(0o755)).unwrap();
        let p = plat(&["riscv64-linux", "i686-linux"], dir.path().to_str().unwrap());
        if binfmt_handler("riscv64").is_none() {
            assert_eq!(p.runner("riscv64-linux"), Some(Runner::Qemu(q.clone())));
            assert!(p.list("x86_64-linux").contains("   - riscv64-linux (emulated: "));
        }
        assert_eq!(p.extra.len(), 1, "native systems are not extras");
        // With private binfmt_misc instances, qemu is registered per builder instead.
        let extra = vec!["riscv64-linux".to_string()];
        let p = Platforms::detect_with("x86_64-linux", &extra, &[], Some(dir.path().as_os_str()), true);
        assert_eq!(p.runner("riscv64-linux"), Some(Runner::PrivateBinfmt(q.clone())));
        assert!(p.list("x86_64-linux").contains(" in a private binfmt_misc)"), "{}", p.list("x86_64-linux"));
    }
}
