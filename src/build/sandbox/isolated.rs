//! The isolated sandbox (`sandbox = true` in `tern.conf`, the default):
//! what a builder may see and do.
//!
//! A builder runs as **uid 1000, gid 100** (CppNix's sandbox ids) in new
//! user, mount, PID, IPC, UTS and network namespaces. Outside, those ids
//! are tern's own when tern is not root; when tern is root they are the
//! unprivileged ids [`HOST_BUILD_ID`] (and [`HOST_SANDBOX_ROOT_ID`] for
//! the namespace's root, which only sets up the mounts), so a builder
//! never owns or matches a host file's owner. Its **root file system** is a
//! fresh tmpfs holding only:
//!
//! * `/nix/store`: a per-build staging directory where the builder
//!   creates its outputs, and in it every path of the input closure,
//!   bind-mounted read-only (tern moves the outputs into its store after
//!   the build, so the store itself, its database and every other store
//!   path are invisible);
//! * the build directory, at the same path as outside (so the builder's
//!   environment is the same with or without the sandbox);
//! * a minimal `/dev` (null, zero, full, random, urandom, tty, a private
//!   `devpts`, `/dev/shm`), a fresh `/proc` of the new PID namespace, a
//!   private `/tmp`, and `/etc` with `passwd`, `group` and `hosts`;
//! * the host paths of `sandbox-paths` (and the emulator when a builder
//!   runs under qemu-user), read-only.
//!
//! The root is made read-only after `pivot_root`; the old root is
//! detached. The network namespace has only a loopback interface —
//! except for **fixed-output derivations**, whose result is checked by
//! its hash and which may fetch: they keep the host's network and get its
//! `/etc/resolv.conf`, `/etc/services` and `/etc/hosts`.
//!
//! # Processes
//!
//! The process forked by `std` (the *waiter*, see the parent module)
//! stays in the host's namespaces. It clones the builder's process with
//! all the new namespaces at once (so the builder is PID 1 of its PID
//! namespace, which the new user namespace owns: only then may it mount
//! `/proc`), writes the child's uid and gid maps from outside (as root it
//! may map ids other than its own), and tells the child to go on through
//! a pipe. The child sets up the mounts while it is the namespace's root,
//! drops to uid 1000 (which clears its capabilities), sets
//! `no_new_privs` and returns to `std`, which executes the builder. When
//! PID 1 exits, the kernel kills whatever else the build left running.
//!
//! Every failing step writes a line naming it to the builder's log
//! before the error number goes back to tern, since `std` passes only the
//! number.

use std::ffi::{CStr, CString};
use std::io;
use std::path::{Path, PathBuf};

use super::cpath;

/// The builder's uid and gid inside the sandbox (CppNix's).
pub(crate) const SANDBOX_UID: u32 = 1000;
pub(crate) const SANDBOX_GID: u32 = 100;
/// When tern runs as root: the host uid/gid of the sandbox's uid 1000 and
/// of its root (CppNix's first automatically allocated build uid).
pub(crate) const HOST_SANDBOX_ROOT_ID: u32 = 872_415_232;
pub(crate) const HOST_BUILD_ID: u32 = HOST_SANDBOX_ROOT_ID + 1;

/// One `sandbox-paths` entry: `target[=source]`, `?` at the end when a
/// missing source is to be skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxPath {
    pub target: PathBuf,
    pub source: PathBuf,
    pub optional: bool,
}

impl SandboxPath {
    pub fn parse(entry: &str) -> SandboxPath {
        let (entry, optional) = match entry.strip_suffix('?') {
            Some(e) => (e, true),
            None => (entry, false),
        };
        let (target, source) = entry.split_once('=').unwrap_or((entry, entry));
        SandboxPath { target: target.into(), source: source.into(), optional }
    }
}

/// The default `sandbox-paths`: `/bin/sh` (as nixpkgs' sandbox gives it)
/// and, read-only, the host's `/usr`, `/bin`, `/lib` and `/lib64` (and the
/// multilib `/lib32` and `/libx32`, which are links into `/usr` on Debian)
/// with the dynamic linker's cache and Debian's alternatives symlinks — what
/// today's package set needs, since it wraps this machine's own Debian
/// toolchain (its store paths are scripts and symlinks into `/usr/bin`).
/// Nothing else of the host: no other `/etc`, `/root`, `/home`, `/var`.
pub const DEFAULT_SANDBOX_PATHS: &[&str] =
    &["/bin/sh", "/usr", "/bin", "/lib", "/lib64?", "/lib32?", "/libx32?", "/etc/ld.so.cache?", "/etc/alternatives?"];

/// One step of building the new root, prepared in the parent; paths are
/// absolute host paths below the new root's mount point.
enum Step {
    Mkdir(CString, libc::mode_t),
    Touch(CString),
    Symlink {
        target: CString,
        link: CString,
    },
    Bind {
        src: CString,
        dst: CString,
        read_only: bool,
        optional: bool,
    },
    Mount {
        fstype: &'static CStr,
        dst: CString,
        flags: libc::c_ulong,
        data: CString,
        optional: bool,
    },
    WriteFile {
        path: CString,
        data: Vec<u8>,
    },
    /// Writes `data` to an existing control file in one `write`.
    Register {
        path: CString,
        data: Vec<u8>,
    },
}

/// Everything the builder's sandbox is made of, prepared before forking.
pub(crate) struct IsolatedPlan {
    /// The new root's mount point (an empty host directory).
    root: CString,
    steps: Vec<Step>,
    /// What each step is, for the log when it fails.
    labels: Vec<CString>,
    cwd: CString,
    /// Keep the host's network (fixed-output derivations).
    host_network: bool,
    uid_map: Vec<u8>,
    gid_map: Vec<u8>,
    /// tern is root: map a sandbox root too and drop supplementary groups.
    as_root: bool,
}

/// What one isolated build needs besides the configured paths.
pub(crate) struct IsolatedSpec<'a> {
    /// Becomes `/nix/store` (writable: outputs are created there).
    pub staging: &'a Path,
    /// `(physical input, its mount point in staging)`.
    pub inputs: &'a [(PathBuf, PathBuf)],
    pub build_dir: &'a Path,
    /// Extra host files to show (the emulator of a qemu-user build).
    pub extra: Vec<SandboxPath>,
    pub host_network: bool,
    /// A `register` line for a private binfmt_misc instance (emulated
    /// builds; see `build::binfmt`).
    pub binfmt: Option<Vec<u8>>,
}

fn label(s: String) -> CString {
    CString::new(s.replace('\0', "?")).unwrap_or_default()
}

impl IsolatedPlan {
    /// Plans the sandbox rooted (as a tmpfs) at the empty directory `root`.
    pub(crate) fn new(root: &Path, paths: &[SandboxPath], spec: IsolatedSpec<'_>) -> Result<IsolatedPlan, String> {
        let mut p = Planner { root: root.to_path_buf(), steps: Vec::new(), labels: Vec::new() };
        p.push(
            Step::Mount {
                fstype: c"tmpfs",
                dst: cpath(root),
                flags: libc::MS_NOSUID | libc::MS_NODEV,
                data: c"mode=0755".into(),
                optional: false,
            },
            "mount the root tmpfs".into(),
        );
        p.mkdirs(Path::new("/nix/store"), 0o755);
        p.bind(spec.staging, Path::new("/nix/store"), false, false);
        for (src, mount_point) in spec.inputs {
            let name = mount_point.file_name().unwrap_or_default();
            p.bind(src, &Path::new("/nix/store").join(name), true, false);
        }
        p.mkdirs(Path::new("/tmp"), 0o755);
        p.mount(c"tmpfs", Path::new("/tmp"), libc::MS_NOSUID | libc::MS_NODEV, c"mode=1777", false);
        p.mkdirs(spec.build_dir, 0o755);
        p.bind(spec.build_dir, spec.build_dir, false, false);
        p.dev();
        p.mkdirs(Path::new("/proc"), 0o555);
        p.mount(c"proc", Path::new("/proc"), libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC, c"", false);
        if let Some(line) = spec.binfmt {
            // Registered before the pivot: with the `F` flag the kernel opens
            // the emulator now, from the host's root, and keeps it open.
            let at = Path::new("/proc/sys/fs/binfmt_misc");
            p.mount(c"binfmt_misc", at, libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC, c"", false);
            let register = p.under_root(&at.join("register"));
            p.push(
                Step::Register { path: cpath(&register), data: line },
                "register the emulator in the builder's own binfmt_misc".into(),
            );
        }
        p.etc(spec.build_dir, spec.host_network);
        let mut all: Vec<SandboxPath> = paths.iter().chain(&spec.extra).cloned().collect();
        all.sort_by(|a, b| a.target.cmp(&b.target));
        let mut planned: Vec<PathBuf> = Vec::new();
        for sp in all {
            if !sp.target.is_absolute() || !sp.source.is_absolute() {
                return Err(format!("sandbox path '{}' is not absolute", sp.target.display()));
            }
            // A path under one already shown (or its symlink) is there.
            if planned.iter().any(|done| sp.target.starts_with(done)) {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(&sp.source) else {
                if sp.optional {
                    continue;
                }
                return Err(format!(
                    "sandbox path '{}' does not exist on this machine (mark it optional with a trailing '?')",
                    sp.source.display()
                ));
            };
            if meta.file_type().is_symlink() && sp.target == sp.source {
                let target = std::fs::read_link(&sp.source).map_err(|e| e.to_string())?;
                if let Some(parent) = sp.target.parent() {
                    p.mkdirs(parent, 0o755);
                }
                let link = p.under_root(&sp.target);
                p.push(
                    Step::Symlink { target: cpath(&target), link: cpath(&link) },
                    format!("create the symlink '{}'", sp.target.display()),
                );
            } else {
                p.show_host(&sp.source, &sp.target, sp.optional);
            }
            planned.push(sp.target);
        }
        // SAFETY: getters without side effects.
        let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
        let as_root = uid == 0;
        let (uid_map, gid_map) = if as_root {
            (
                format!("0 {HOST_SANDBOX_ROOT_ID} 1\n{SANDBOX_UID} {HOST_BUILD_ID} 1\n"),
                format!("0 {HOST_SANDBOX_ROOT_ID} 1\n{SANDBOX_GID} {HOST_BUILD_ID} 1\n"),
            )
        } else {
            (format!("{SANDBOX_UID} {uid} 1\n"), format!("{SANDBOX_GID} {gid} 1\n"))
        };
        Ok(IsolatedPlan {
            root: cpath(root),
            steps: p.steps,
            labels: p.labels,
            cwd: cpath(spec.build_dir),
            host_network: spec.host_network,
            uid_map: uid_map.into_bytes(),
            gid_map: gid_map.into_bytes(),
            as_root,
        })
    }
}

/// Collects the steps; targets are paths as the builder sees them.
struct Planner {
    root: PathBuf,
    steps: Vec<Step>,
    labels: Vec<CString>,
}

impl Planner {
    fn push(&mut self, step: Step, what: String) {
        self.steps.push(step);
        self.labels.push(label(what));
    }

    fn under_root(&self, target: &Path) -> PathBuf {
        self.root.join(target.strip_prefix("/").unwrap_or(target))
    }

    /// `mkdir -p` of `target` (existing directories are fine).
    fn mkdirs(&mut self, target: &Path, mode: libc::mode_t) {
        let mut so_far = PathBuf::from("/");
        for c in target.components().skip(1) {
            so_far.push(c);
            let dir = self.under_root(&so_far);
            self.push(Step::Mkdir(cpath(&dir), mode), format!("create '{}'", so_far.display()));
        }
    }

    fn bind(&mut self, src: &Path, target: &Path, read_only: bool, optional: bool) {
        let dst = self.under_root(target);
        self.push(
            Step::Bind { src: cpath(src), dst: cpath(&dst), read_only, optional },
            format!("bind-mount '{}' at '{}'", src.display(), target.display()),
        );
    }

    fn mount(&mut self, fstype: &'static CStr, target: &Path, flags: libc::c_ulong, data: &CStr, optional: bool) {
        let dst = self.under_root(target);
        self.push(
            Step::Mount { fstype, dst: cpath(&dst), flags, data: data.into(), optional },
            format!("mount {} at '{}'", fstype.to_string_lossy(), target.display()),
        );
    }

    fn touch(&mut self, target: &Path) {
        let file = self.under_root(target);
        self.push(Step::Touch(cpath(&file)), format!("create '{}'", target.display()));
    }

    fn symlink(&mut self, target: &str, link: &str) {
        let l = self.under_root(Path::new(link));
        self.push(
            Step::Symlink { target: CString::new(target).unwrap_or_default(), link: cpath(&l) },
            format!("create the symlink '{link}'"),
        );
    }

    /// A host file or directory at `target`, read-only (following a symlink).
    fn show_host(&mut self, source: &Path, target: &Path, optional: bool) {
        if let Some(parent) = target.parent() {
            self.mkdirs(parent, 0o755);
        }
        if source.is_dir() {
            self.mkdirs(target, 0o755);
        } else {
            self.touch(target);
        }
        self.bind(source, target, true, optional);
    }

    fn dev(&mut self) {
        self.mkdirs(Path::new("/dev"), 0o755);
        for dev in ["null", "zero", "full", "random", "urandom", "tty"] {
            let target = Path::new("/dev").join(dev);
            self.touch(&target);
            // Device nodes keep their flags: a read-only remount would
            // add `nodev` and break them.
            self.bind(&target, &target, false, dev == "tty");
        }
        for (link, target) in
            [("/dev/fd", "/proc/self/fd"), ("/dev/stdin", "/proc/self/fd/0"), ("/dev/stdout", "/proc/self/fd/1")]
        {
            self.symlink(target, link);
        }
        self.symlink("/proc/self/fd/2", "/dev/stderr");
        self.mkdirs(Path::new("/dev/pts"), 0o755);
        self.mount(
            c"devpts",
            Path::new("/dev/pts"),
            libc::MS_NOSUID | libc::MS_NOEXEC,
            c"newinstance,ptmxmode=0666,mode=0620",
            true,
        );
        self.symlink("pts/ptmx", "/dev/ptmx");
        self.mkdirs(Path::new("/dev/shm"), 0o755);
        self.mount(c"tmpfs", Path::new("/dev/shm"), libc::MS_NOSUID | libc::MS_NODEV, c"mode=1777", true);
    }

    fn etc(&mut self, build_dir: &Path, host_network: bool) {
        self.mkdirs(Path::new("/etc"), 0o755);
        let home = build_dir.display();
        let files: [(&str, String); 2] = [
            (
                "/etc/passwd",
                format!(
                    "root:x:0:0:Nix build user:{home}:/noshell\nnixbld:x:{SANDBOX_UID}:{SANDBOX_GID}:Nix build user:\
                     {home}:/noshell\nnobody:x:65534:65534:Nobody:/:/noshell\n"
                ),
            ),
            ("/etc/group", format!("root:x:0:\nnixbld:!:{SANDBOX_GID}:\nnogroup:x:65534:\n")),
        ];
        for (name, text) in files {
            let path = self.under_root(Path::new(name));
            self.push(Step::WriteFile { path: cpath(&path), data: text.into_bytes() }, format!("write '{name}'"));
        }
        if host_network {
            // A fetcher needs name resolution; CppNix gives the same three.
            for name in ["/etc/resolv.conf", "/etc/services", "/etc/hosts"] {
                let p = Path::new(name);
                if p.exists() {
                    self.show_host(p, p, true);
                }
            }
        } else {
            let path = self.under_root(Path::new("/etc/hosts"));
            let data = b"127.0.0.1 localhost\n::1 localhost\n".to_vec();
            self.push(Step::WriteFile { path: cpath(&path), data }, "write '/etc/hosts'".into());
        }
    }
}

/// Writes `msg` and an error number to fd 2 (the build log); async-signal-safe.
unsafe fn report(what: &CStr, err: &io::Error) {
    let mut buf = [0u8; 24];
    let code = err.raw_os_error().unwrap_or(0);
    let digits = format_u64(code as u64, &mut buf);
    let parts: [&[u8]; 4] = [b"tern: cannot set up the build sandbox: cannot ", what.to_bytes(), b" (errno ", digits];
    for p in parts {
        libc::write(2, p.as_ptr().cast(), p.len());
    }
    libc::write(2, b")\n".as_ptr().cast(), 2);
}

/// Decimal digits of `n` in `buf`, without allocating.
fn format_u64(mut n: u64, buf: &mut [u8; 24]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

fn last_error() -> io::Error {
    io::Error::last_os_error()
}

unsafe fn write_at(path: &[u8], data: &[u8]) -> bool {
    // `path` is NUL-terminated by the caller.
    let fd = libc::open(path.as_ptr().cast(), libc::O_WRONLY | libc::O_CLOEXEC);
    if fd < 0 {
        return false;
    }
    let n = libc::write(fd, data.as_ptr().cast(), data.len());
    libc::close(fd);
    n == data.len() as isize
}

/// `/proc/<pid>/<file>` NUL-terminated in `buf`.
fn proc_file<'b>(pid: libc::pid_t, file: &[u8], buf: &'b mut [u8; 64]) -> &'b [u8] {
    let mut digits = [0u8; 24];
    let d = format_u64(pid as u64, &mut digits);
    let mut n = 0;
    for part in [b"/proc/".as_slice(), d, b"/", file, b"\0"] {
        buf[n..n + part.len()].copy_from_slice(part);
        n += part.len();
    }
    &buf[..n]
}

/// `struct ifreq` as far as the flags request needs it.
#[repr(C)]
struct IfFlags {
    name: [u8; 16],
    flags: libc::c_short,
    _pad: [u8; 22],
}

/// Brings up `lo` in the new network namespace.
unsafe fn loopback_up() -> io::Result<()> {
    let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
    if fd < 0 {
        return Err(last_error());
    }
    let mut req = IfFlags { name: [0; 16], flags: 0, _pad: [0; 22] };
    req.name[..2].copy_from_slice(b"lo");
    let ok = libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut req) == 0 && {
        req.flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
        libc::ioctl(fd, libc::SIOCSIFFLAGS, &req) == 0
    };
    let err = last_error();
    libc::close(fd);
    if ok {
        Ok(())
    } else {
        Err(err)
    }
}

unsafe fn bind_mount(src: &CStr, dst: &CStr, read_only: bool) -> io::Result<()> {
    let flags = libc::MS_BIND | libc::MS_REC;
    if libc::mount(src.as_ptr(), dst.as_ptr(), std::ptr::null(), flags, std::ptr::null()) != 0 {
        return Err(last_error());
    }
    if read_only {
        // A remount inside a user namespace must keep the flags the
        // host's mount has locked (noexec, atime); statvfs has them with
        // the same values as the MS_ constants.
        let mut st: libc::statvfs = std::mem::zeroed();
        let kept = if libc::statvfs(dst.as_ptr(), &mut st) == 0 {
            st.f_flag & (libc::ST_NOEXEC | libc::ST_NOATIME | libc::ST_NODIRATIME | libc::ST_RELATIME)
        } else {
            0
        };
        let flags = libc::MS_REMOUNT | libc::MS_BIND | libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV | kept;
        if libc::mount(std::ptr::null(), dst.as_ptr(), std::ptr::null(), flags, std::ptr::null()) != 0 {
            return Err(last_error());
        }
    }
    Ok(())
}

impl IsolatedPlan {
    /// Clone flags for the builder's process.
    fn clone_flags(&self) -> libc::c_int {
        let mut flags = libc::CLONE_NEWUSER
            | libc::CLONE_NEWNS
            | libc::CLONE_NEWPID
            | libc::CLONE_NEWIPC
            | libc::CLONE_NEWUTS
            | libc::SIGCHLD;
        if !self.host_network {
            flags |= libc::CLONE_NEWNET;
        }
        flags
    }

    /// In the waiter: clones the builder's process into the new
    /// namespaces. Returns its pid in the waiter and 0 in the builder's
    /// process, which is ready to exec then.
    pub(crate) unsafe fn clone_builder(&self) -> io::Result<libc::pid_t> {
        if self.as_root && libc::setgroups(0, std::ptr::null()) != 0 {
            return Err(last_error());
        }
        let mut fds = [0; 2];
        if libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) != 0 {
            return Err(last_error());
        }
        // A NULL stack makes clone behave like fork (copy-on-write stack).
        let pid = libc::syscall(libc::SYS_clone, self.clone_flags() as libc::c_ulong, 0usize, 0usize, 0usize, 0usize)
            as libc::pid_t;
        if pid < 0 {
            let e = last_error();
            report(c"create the namespaces", &e);
            return Err(e);
        }
        if pid == 0 {
            libc::close(fds[1]);
            let mut go = [0u8; 1];
            while libc::read(fds[0], go.as_mut_ptr().cast(), 1) < 0 && *libc::__errno_location() == libc::EINTR {}
            libc::close(fds[0]);
            if go[0] != 1 {
                let e = io::Error::from_raw_os_error(libc::EPERM);
                report(c"write the uid and gid maps of the user namespace", &e);
                return Err(e);
            }
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0);
            self.enter()?;
            return Ok(0);
        }
        libc::close(fds[0]);
        let mut buf = [0u8; 64];
        let ok = write_at(proc_file(pid, b"setgroups", &mut buf), b"deny")
            && write_at(proc_file(pid, b"uid_map", &mut buf), &self.uid_map)
            && write_at(proc_file(pid, b"gid_map", &mut buf), &self.gid_map);
        libc::write(fds[1], [ok as u8].as_ptr().cast(), 1);
        libc::close(fds[1]);
        Ok(pid)
    }

    /// In the builder's process, inside the namespaces: builds the root,
    /// enters it and drops privileges.
    unsafe fn enter(&self) -> io::Result<()> {
        let fail = |what: &CStr| {
            let e = last_error();
            report(what, &e);
            e
        };
        if self.as_root && (libc::setresgid(0, 0, 0) != 0 || libc::setresuid(0, 0, 0) != 0) {
            return Err(fail(c"become the sandbox's root"));
        }
        if libc::mount(
            std::ptr::null(),
            c"/".as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ) != 0
        {
            return Err(fail(c"make the mounts private"));
        }
        for (step, what) in self.steps.iter().zip(&self.labels) {
            let ok = match step {
                Step::Mkdir(p, mode) => {
                    libc::mkdir(p.as_ptr(), *mode) == 0 || *libc::__errno_location() == libc::EEXIST
                }
                Step::Touch(p) => {
                    let fd = libc::open(p.as_ptr(), libc::O_CREAT | libc::O_WRONLY | libc::O_CLOEXEC, 0o644);
                    fd >= 0 && libc::close(fd) == 0
                }
                Step::Symlink { target, link } => libc::symlink(target.as_ptr(), link.as_ptr()) == 0,
                Step::Bind { src, dst, read_only, optional } => bind_mount(src, dst, *read_only).is_ok() || *optional,
                Step::Mount { fstype, dst, flags, data, optional } => {
                    libc::mount(fstype.as_ptr(), dst.as_ptr(), fstype.as_ptr(), *flags, data.as_ptr().cast()) == 0
                        || *optional
                }
                Step::Register { path, data } => {
                    let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
                    fd >= 0 && {
                        let n = libc::write(fd, data.as_ptr().cast(), data.len());
                        libc::close(fd);
                        n == data.len() as isize
                    }
                }
                Step::WriteFile { path, data } => {
                    let fd = libc::open(
                        path.as_ptr(),
                        libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC | libc::O_CLOEXEC,
                        0o644,
                    );
                    fd >= 0 && {
                        let n = libc::write(fd, data.as_ptr().cast(), data.len());
                        libc::close(fd);
                        n == data.len() as isize
                    }
                }
            };
            if !ok {
                return Err(fail(what));
            }
        }
        if libc::chdir(self.root.as_ptr()) != 0
            || libc::syscall(libc::SYS_pivot_root, c".".as_ptr(), c".".as_ptr()) != 0
            || libc::umount2(c".".as_ptr(), libc::MNT_DETACH) != 0
            || libc::chdir(c"/".as_ptr()) != 0
        {
            return Err(fail(c"pivot into the new root"));
        }
        let ro = libc::MS_REMOUNT | libc::MS_BIND | libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV;
        if libc::mount(std::ptr::null(), c"/".as_ptr(), std::ptr::null(), ro, std::ptr::null()) != 0 {
            return Err(fail(c"make the root read-only"));
        }
        if libc::chdir(self.cwd.as_ptr()) != 0 {
            return Err(fail(c"enter the build directory"));
        }
        let host = b"localhost";
        let domain = b"(none)";
        if libc::sethostname(host.as_ptr().cast(), host.len()) != 0
            || libc::setdomainname(domain.as_ptr().cast(), domain.len()) != 0
        {
            return Err(fail(c"set the host name"));
        }
        if !self.host_network {
            if let Err(e) = loopback_up() {
                report(c"bring up the loopback interface", &e);
                return Err(e);
            }
        }
        if libc::setresgid(SANDBOX_GID, SANDBOX_GID, SANDBOX_GID) != 0
            || libc::setresuid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID) != 0
        {
            return Err(fail(c"drop to the build user"));
        }
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(fail(c"set no_new_privs"));
        }
        // Changing credentials cleared the parent-death signal.
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0);
        Ok(())
    }
}

/// Whether this machine lets tern create the sandbox's namespaces, probed
/// once by a child that tries.
pub(crate) fn available() -> bool {
    static PROBE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PROBE.get_or_init(|| {
        let flags = libc::CLONE_NEWUSER
            | libc::CLONE_NEWNS
            | libc::CLONE_NEWPID
            | libc::CLONE_NEWIPC
            | libc::CLONE_NEWUTS
            | libc::CLONE_NEWNET
            | libc::SIGCHLD;
        // SAFETY: the children only make system calls and exit.
        unsafe {
            let pid = libc::fork();
            if pid == 0 {
                let inner = libc::syscall(libc::SYS_clone, flags as libc::c_ulong, 0usize, 0usize, 0usize, 0usize);
                if inner == 0 {
                    libc::_exit(0);
                }
                if inner < 0 {
                    libc::_exit(1);
                }
                let mut status = 0;
                libc::waitpid(inner as libc::pid_t, &mut status, 0);
                libc::_exit(0);
            }
            if pid < 0 {
                return false;
            }
            let mut status = 0;
            while libc::waitpid(pid, &mut status, 0) < 0 {
                if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                    return false;
                }
            }
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
        }
    })
}

/// The message when the sandbox cannot be created.
pub(crate) fn unavailable_message() -> String {
    "cannot build: this system does not let tern create the build sandbox's namespaces (user, mount, PID, IPC, \
     UTS and network; clone(2) is refused). Enable unprivileged user namespaces (user.max_user_namespaces > 0, \
     and kernel.unprivileged_userns_clone=1 where it exists), or, knowing that builders will then run \
     unconfined, set 'sandbox = false' in tern.conf"
        .to_string()
}

/// Paths of a list of `sandbox-paths` entries.
pub(crate) fn parse_all(entries: &[String]) -> Vec<SandboxPath> {
    entries.iter().map(|e| SandboxPath::parse(e)).collect()
}

/// Used by tests of `sandbox-paths` parsing.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_path_forms() {
        assert_eq!(
            SandboxPath::parse("/bin/sh=/usr/bin/dash"),
            SandboxPath { target: "/bin/sh".into(), source: "/usr/bin/dash".into(), optional: false }
        );
        assert_eq!(
            SandboxPath::parse("/lib64?"),
            SandboxPath { target: "/lib64".into(), source: "/lib64".into(), optional: true }
        );
        let mut buf = [0u8; 24];
        assert_eq!(format_u64(0, &mut buf), b"0");
        assert_eq!(format_u64(872415233, &mut buf), b"872415233");
        let mut p = [0u8; 64];
        assert_eq!(proc_file(42, b"uid_map", &mut p), b"/proc/42/uid_map\0");
    }

    #[test]
    fn plan_skips_paths_under_planned_ones() {
        let dir = tempfile::tempdir().unwrap();
        let staging = dir.path().join("s");
        let paths = parse_all(&["/usr".into(), "/usr/bin".into(), "/nonexistent-tern?".into()]);
        let spec = IsolatedSpec {
            binfmt: None,
            staging: &staging,
            inputs: &[],
            build_dir: Path::new("/tmp/nix-build-x-0"),
            extra: Vec::new(),
            host_network: false,
        };
        let plan = IsolatedPlan::new(dir.path(), &paths, spec).unwrap();
        let binds: Vec<String> = plan
            .labels
            .iter()
            .map(|l| l.to_string_lossy().into_owned())
            .filter(|l| l.starts_with("bind-mount '/usr"))
            .collect();
        assert_eq!(binds, vec!["bind-mount '/usr' at '/usr'"]);
        let missing = parse_all(&["/nonexistent-tern".into()]);
        let spec = IsolatedSpec {
            binfmt: None,
            staging: &staging,
            inputs: &[],
            build_dir: Path::new("/tmp/b"),
            extra: Vec::new(),
            host_network: false,
        };
        assert!(IsolatedPlan::new(dir.path(), &missing, spec).is_err());
    }
}
