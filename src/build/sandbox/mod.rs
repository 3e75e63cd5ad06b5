//! Starting a builder process: its environment (`env`, `structured`), its
//! view of `/nix/store`, and making sure it dies with tern.
//!
//! By default (`sandbox = true`) builders are **isolated**: see
//! [`isolated`] for the namespaces, the unprivileged build user and the
//! root file system that holds only the input closure. What follows
//! describes the unsandboxed mode (`sandbox = false` in `tern.conf`, the
//! explicit way out), where a builder sees the host and only the store is
//! mapped; the waiter and the dying-with-tern rules hold for both.
//!
//! # Physical vs logical store paths
//!
//! Derivations name `/nix/store/…`, but tern's store lives at
//! `<root>/store/…` (the root chosen with `--store`, `TERN_STORE` or the
//! per-user default). Unless the root *is* `/nix`, each builder runs in a
//! private **mount namespace** where `<root>/store` appears at
//! `/nix/store`, so inputs resolve and outputs written to `/nix/store/<out>`
//! land in `<root>/store/<out>`. Two ways to get there ([`StoreView`]):
//!
//! * **bind** (when `/nix/store` exists on the host, e.g. CppNix is
//!   installed): `<root>/store` is bind-mounted over `/nix/store` inside
//!   the namespace. The host's own `/nix/store` is invisible to the
//!   builder, which is right: its inputs are all in tern's store.
//! * **new root** (when there is no `/nix/store` to mount over, and a user
//!   could not create one): a tmpfs is mounted on `<root>/var/newroot`,
//!   every top-level entry of `/` is recreated in it (directories and files
//!   bind-mounted recursively, symlinks copied), `/nix/store` is created
//!   and `<root>/store` bind-mounted there, and the builder is `chroot`ed
//!   into it. Everything else looks as it does outside.
//!
//! As root, `unshare(CLONE_NEWNS)` is enough; other users get a **user
//! namespace** too (`CLONE_NEWUSER`, mapping their own uid and gid only),
//! which unprivileged users may create on most distributions. Mounts are
//! made private first so nothing propagates to the host. Which of these
//! the kernel allows is probed once per process by forking a child that
//! tries. When no namespace can be made and the root is not `/nix`, builds
//! fail before starting with a message that says so and what to do
//! (enable user namespaces, run as root, or use `--store /nix`).
//!
//! # Dying with tern
//!
//! Each builder gets its own session (`setsid`, so a Ctrl-C at the
//! terminal reaches tern only, which then kills builders itself) and, where
//! allowed, its own **PID namespace**: the process tern forks stays outside
//! as a small waiter and forks the builder as PID 1 of the new namespace.
//! Both have `PR_SET_PDEATHSIG = SIGKILL`, so if tern is killed — even by
//! SIGKILL — the waiter dies, then the builder, and the kernel kills every
//! process left in the builder's PID namespace: no orphan keeps writing
//! into an output that a later build will replace. Without a PID
//! namespace, the builder's process group is killed instead (tern does
//! that on Ctrl-C/SIGTERM; only the direct child is covered on SIGKILL).
//! When tern stops a build itself (Ctrl-C, another build failed), it sends
//! SIGTERM to the waiter, which SIGKILLs the namespace's init and reaps
//! it; the kernel completes that reap only after every process of the
//! namespace is gone, so when tern sees the waiter exit, the build is
//! entirely dead. tern repeats the request and escalates to SIGKILL of
//! the process group if it goes unanswered.
//!
//! For testing, `TERN_BUILD_STORE_VIEW=bind|newroot` forces a view and
//! `TERN_BUILD_NO_NAMESPACES=1` pretends the kernel refuses namespaces.
//!
//! Everything the forked child does before `exec` is a plain system call
//! on data prepared in the parent (no allocation, no locks), as required
//! after `fork` in a multi-threaded process.

pub(crate) mod env;
pub(crate) mod isolated;
pub(crate) mod refgraph;
pub(crate) mod structured;

use std::ffi::{CStr, CString};
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::OnceLock;

/// How `/nix/store` is made to show tern's store to builders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StoreView {
    /// Bind over `/nix/store` when it exists, else a new root.
    #[default]
    Auto,
    /// Always bind-mount over `/nix/store` (which must exist).
    Bind,
    /// Always build a new root with a chroot.
    NewRoot,
}

/// Which namespaces this process may create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NsCaps {
    /// A user namespace is needed (not root, or root without CAP_SYS_ADMIN).
    pub user: bool,
    /// A PID namespace can be had too.
    pub pid: bool,
}

fn cstr(p: &[u8]) -> CString {
    // Paths never contain NUL: they come from the file system or from
    // strings checked by the caller.
    CString::new(p).unwrap_or_else(|_| CString::new("/nonexistent").expect("no NUL"))
}

fn cpath(p: &Path) -> CString {
    cstr(p.as_os_str().as_bytes())
}

/// The uid/gid map lines for a user namespace, prepared before forking.
struct IdMaps {
    uid_map: CString,
    gid_map: CString,
}

impl IdMaps {
    fn current() -> IdMaps {
        // SAFETY: getters without side effects.
        let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
        IdMaps {
            uid_map: cstr(format!("{uid} {uid} 1").as_bytes()),
            gid_map: cstr(format!("{gid} {gid} 1").as_bytes()),
        }
    }
}

/// Writes `data` to an existing file; async-signal-safe.
unsafe fn write_file(path: &CStr, data: &[u8]) -> bool {
    let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
    if fd < 0 {
        return false;
    }
    let n = libc::write(fd, data.as_ptr().cast(), data.len());
    libc::close(fd);
    n == data.len() as isize
}

/// Enters new namespaces (after fork, before exec); async-signal-safe.
unsafe fn enter_namespaces(caps: NsCaps, maps: &IdMaps) -> io::Result<()> {
    let mut flags = libc::CLONE_NEWNS;
    if caps.user {
        flags |= libc::CLONE_NEWUSER;
    }
    if caps.pid {
        flags |= libc::CLONE_NEWPID;
    }
    if libc::unshare(flags) != 0 {
        return Err(io::Error::last_os_error());
    }
    if caps.user
        && !(write_file(c"/proc/self/setgroups", b"deny")
            && write_file(c"/proc/self/uid_map", maps.uid_map.as_bytes())
            && write_file(c"/proc/self/gid_map", maps.gid_map.as_bytes()))
    {
        return Err(io::Error::last_os_error());
    }
    if libc::mount(std::ptr::null(), c"/".as_ptr(), std::ptr::null(), libc::MS_REC | libc::MS_PRIVATE, std::ptr::null())
        != 0
    {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Can a child enter these namespaces? Forks a child that tries.
fn try_namespaces(caps: NsCaps) -> bool {
    try_in_namespaces(caps, || true)
}

/// Forks a child that enters these namespaces and then answers `then`
/// (which may make only async-signal-safe system calls).
fn try_in_namespaces(caps: NsCaps, then: fn() -> bool) -> bool {
    let maps = IdMaps::current();
    // SAFETY: the child only makes system calls and exits.
    unsafe {
        let pid = libc::fork();
        if pid == 0 {
            let code = if enter_namespaces(caps, &maps).is_ok() && then() { 0 } else { 1 };
            libc::_exit(code);
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
}

/// The namespaces this process can create, probed once.
pub(crate) fn namespaces() -> Option<NsCaps> {
    static PROBE: OnceLock<Option<NsCaps>> = OnceLock::new();
    *PROBE.get_or_init(|| {
        if std::env::var_os("TERN_BUILD_NO_NAMESPACES").is_some() {
            return None;
        }
        // SAFETY: no side effects.
        let root = unsafe { libc::geteuid() } == 0;
        let order: &[(bool, bool)] = if root {
            &[(false, true), (true, true), (false, false), (true, false)]
        } else {
            &[(true, true), (true, false)]
        };
        order.iter().map(|&(user, pid)| NsCaps { user, pid }).find(|&c| try_namespaces(c))
    })
}

/// Can builders get a binfmt_misc instance of their own (Linux ≥ 6.7 gives
/// one to each user namespace)? Probed once by a child that mounts one.
/// `TERN_BUILD_NO_PRIVATE_BINFMT=1` pretends it cannot (for tests).
pub(crate) fn private_binfmt() -> bool {
    static PROBE: OnceLock<bool> = OnceLock::new();
    *PROBE.get_or_init(|| {
        if std::env::var_os("TERN_BUILD_NO_PRIVATE_BINFMT").is_some() {
            return false;
        }
        if namespaces().is_none() {
            return false;
        }
        // SAFETY: a mount in the child's own namespaces.
        try_in_namespaces(NsCaps { user: true, pid: false }, || unsafe {
            super::binfmt::mount_and_register(None).is_ok()
        })
    })
}

/// One mount-table step of the new-root view, prepared in the parent.
enum RootOp {
    Mkdir(CString),
    Touch(CString),
    Symlink { target: CString, link: CString },
    Bind { src: CString, dst: CString },
}

/// The `/` entries (and `/nix` entries other than `store`) to recreate.
fn new_root_ops(newroot: &Path) -> io::Result<Vec<RootOp>> {
    let mut ops = Vec::new();
    fn mirror(ops: &mut Vec<RootOp>, src_dir: &Path, dst_dir: &Path, skip: &[&str]) -> io::Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(src_dir)?.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name();
            if skip.iter().any(|s| name.as_bytes() == s.as_bytes()) {
                continue;
            }
            let src = src_dir.join(&name);
            let dst = dst_dir.join(&name);
            let Ok(meta) = std::fs::symlink_metadata(&src) else { continue };
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&src)?;
                ops.push(RootOp::Symlink { target: cpath(&target), link: cpath(&dst) });
            } else if meta.is_dir() {
                ops.push(RootOp::Mkdir(cpath(&dst)));
                ops.push(RootOp::Bind { src: cpath(&src), dst: cpath(&dst) });
            } else {
                ops.push(RootOp::Touch(cpath(&dst)));
                ops.push(RootOp::Bind { src: cpath(&src), dst: cpath(&dst) });
            }
        }
        Ok(())
    }
    mirror(&mut ops, Path::new("/"), newroot, &["nix"])?;
    ops.push(RootOp::Mkdir(cpath(&newroot.join("nix"))));
    if Path::new("/nix").is_dir() {
        mirror(&mut ops, Path::new("/nix"), &newroot.join("nix"), &["store"])?;
    }
    ops.push(RootOp::Mkdir(cpath(&newroot.join("nix/store"))));
    Ok(ops)
}

unsafe fn bind(src: &CStr, dst: &CStr) -> io::Result<()> {
    let flags = libc::MS_BIND | libc::MS_REC;
    if libc::mount(src.as_ptr(), dst.as_ptr(), std::ptr::null(), flags, std::ptr::null()) != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// How the store appears to one builder.
enum Mapping {
    /// Nothing to do: the physical store is `/nix/store`.
    None,
    /// Bind `src` over `/nix/store`.
    Bind { src: CString },
    /// Mount a tmpfs at `dir`, apply `ops`, bind `src` at `dir/nix/store`, chroot.
    NewRoot { dir: CString, store_target: CString, src: CString },
}

/// Makes `/nix/store` show the store as `mapping` says (in a fresh mount namespace);
/// async-signal-safe.
unsafe fn apply_mapping(mapping: &Mapping, root_ops: &[RootOp]) -> io::Result<()> {
    match mapping {
        Mapping::None => {}
        Mapping::Bind { src } => bind(src, c"/nix/store")?,
        Mapping::NewRoot { dir, store_target, src } => {
            if libc::mount(c"tmpfs".as_ptr(), dir.as_ptr(), c"tmpfs".as_ptr(), 0, c"mode=0755".as_ptr().cast()) != 0 {
                return Err(io::Error::last_os_error());
            }
            for op in root_ops {
                let ok = match op {
                    RootOp::Mkdir(p) => libc::mkdir(p.as_ptr(), 0o755) == 0,
                    RootOp::Touch(p) => {
                        let fd = libc::open(p.as_ptr(), libc::O_CREAT | libc::O_WRONLY | libc::O_CLOEXEC, 0o644);
                        fd >= 0 && libc::close(fd) == 0
                    }
                    RootOp::Symlink { target, link } => libc::symlink(target.as_ptr(), link.as_ptr()) == 0,
                    // Mounts that cannot be bound (e.g. special
                    // files the kernel refuses) are left out.
                    RootOp::Bind { src, dst } => {
                        let _ = bind(src, dst);
                        true
                    }
                };
                if !ok {
                    return Err(io::Error::last_os_error());
                }
            }
            bind(src, store_target)?;
            if libc::chroot(dir.as_ptr()) != 0 {
                return Err(io::Error::last_os_error());
            }
        }
    }
    Ok(())
}

// The waiter's state (a forked copy of these statics, never tern's).
static WAITER_CHILD: AtomicI32 = AtomicI32::new(0);
static WAITER_TERM_PENDING: AtomicBool = AtomicBool::new(false);

extern "C" fn on_term_in_waiter(_: libc::c_int) {
    let pid = WAITER_CHILD.load(Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    } else {
        WAITER_TERM_PENDING.store(true, Ordering::SeqCst);
    }
}

/// Everything the child does between fork and exec, prepared beforehand.
struct ChildPlan {
    parent: libc::pid_t,
    caps: Option<NsCaps>,
    maps: IdMaps,
    /// Extra binds made before the store view (scratch stores of `--check`).
    binds: Vec<(CString, CString)>,
    mapping: Mapping,
    root_ops: std::sync::Arc<Vec<RootOp>>,
    cwd: CString,
    /// A binfmt_misc registration for a private instance (emulated builds).
    binfmt: Option<CString>,
    /// The isolated sandbox, which replaces everything above but `parent`.
    isolated: Option<isolated::IsolatedPlan>,
}

/// Makes the waiter turn SIGTERM into SIGKILL for the builder (set before
/// the builder's process exists, so no request is lost).
unsafe fn waiter_handles_term() {
    let mut sa: libc::sigaction = std::mem::zeroed();
    sa.sa_sigaction = on_term_in_waiter as *const () as libc::sighandler_t;
    libc::sigemptyset(&mut sa.sa_mask);
    libc::sigaction(libc::SIGTERM, &sa, std::ptr::null_mut());
}

impl ChildPlan {
    /// Runs in the forked child. Returns in the process that is to exec
    /// the builder; a waiter process (PID namespaces) never returns.
    unsafe fn run(&self) -> io::Result<()> {
        libc::setsid();
        crate::allocator::restore_for_child();
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0);
        if libc::getppid() != self.parent {
            libc::_exit(137);
        }
        if let Some(plan) = &self.isolated {
            waiter_handles_term();
            let pid = plan.clone_builder()?;
            if pid > 0 {
                WAITER_CHILD.store(pid, Ordering::SeqCst);
                if WAITER_TERM_PENDING.load(Ordering::SeqCst) {
                    libc::kill(pid, libc::SIGKILL);
                }
                self.wait_and_exit(pid);
            }
            return Ok(());
        }
        if let Some(caps) = self.caps {
            enter_namespaces(caps, &self.maps)?;
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0);
            if let Some(line) = &self.binfmt {
                super::binfmt::mount_and_register(Some(line))?;
            }
            for (src, dst) in &self.binds {
                bind(src, dst)?;
            }
            apply_mapping(&self.mapping, &self.root_ops)?;
        }
        if libc::chdir(self.cwd.as_ptr()) != 0 {
            return Err(io::Error::last_os_error());
        }
        if self.caps.is_some_and(|c| c.pid) {
            // The waiter turns SIGTERM from tern into SIGKILL for the
            // namespace's init, then reaps it: the kernel kills the rest of
            // the namespace before that reap completes.
            waiter_handles_term();
            let pid = libc::fork();
            if pid < 0 {
                return Err(io::Error::last_os_error());
            }
            if pid > 0 {
                WAITER_CHILD.store(pid, Ordering::SeqCst);
                if WAITER_TERM_PENDING.load(Ordering::SeqCst) {
                    libc::kill(pid, libc::SIGKILL);
                }
                self.wait_and_exit(pid);
            }
            // PID 1 of the new namespace: dies when the waiter does.
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0);
        }
        Ok(())
    }

    /// The waiter: holds no file descriptors (so the exec-error pipe of
    /// std closes when the builder execs), reaps the builder and exits
    /// the same way it did.
    unsafe fn wait_and_exit(&self, pid: libc::pid_t) -> ! {
        libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32);
        let mut status = 0;
        loop {
            let r = libc::waitpid(pid, &mut status, 0);
            if r == pid {
                break;
            }
            if r < 0 && *libc::__errno_location() != libc::EINTR {
                libc::_exit(127);
            }
        }
        if libc::WIFSIGNALED(status) {
            let sig = libc::WTERMSIG(status);
            libc::signal(sig, libc::SIG_DFL);
            libc::kill(libc::getpid(), sig);
            libc::_exit(128 + sig);
        }
        libc::_exit(libc::WEXITSTATUS(status));
    }
}

/// What to start: program, arguments, environment, where.
pub(crate) struct SpawnSpec {
    /// The file to execute (the builder, or qemu).
    pub program: Vec<u8>,
    /// Arguments after argv[0].
    pub args: Vec<Vec<u8>>,
    pub env: Vec<(Vec<u8>, Vec<u8>)>,
    pub cwd: PathBuf,
    /// Receives the builder's stdout and stderr.
    pub log: File,
    /// The physical directory to show at `/nix/store`.
    pub store_dir: PathBuf,
    /// Extra `(source, target)` bind mounts made first.
    pub binds: Vec<(PathBuf, PathBuf)>,
    /// A binfmt_misc `register` line: the builder gets a private instance
    /// (and so a user namespace, even for root) with this registration.
    pub binfmt: Option<Vec<u8>>,
    /// What an isolated build shows; required when the sandbox is on.
    pub isolation: Option<Isolation>,
}

/// The per-build parts of an isolated sandbox.
pub(crate) struct Isolation {
    /// An empty directory to mount the new root on.
    pub root: PathBuf,
    /// Shown as `/nix/store`; the outputs are created there.
    pub staging: PathBuf,
    /// `(physical input path, mount point in staging)`.
    pub inputs: Vec<(PathBuf, PathBuf)>,
    /// A fixed-output derivation: keeps the host's network.
    pub host_network: bool,
    /// Host files the builder needs besides `sandbox-paths` (qemu).
    pub extra: Vec<isolated::SandboxPath>,
}

/// Starts builders with the store view chosen for a store root.
pub(crate) struct Sandbox {
    /// `sandbox = true`: builders are isolated ([`isolated`]).
    isolate: bool,
    paths: Vec<isolated::SandboxPath>,
    view: StoreView,
    caps: Option<NsCaps>,
    newroot: PathBuf,
    root_ops: std::sync::Arc<Vec<RootOp>>,
}

/// The message for a machine that cannot map the store.
pub(crate) fn no_namespace_message(root: &Path) -> String {
    format!(
        "cannot build: tern's store is at '{}/store', but derivations expect their inputs and outputs under \
         '/nix/store', and this system does not let tern create the private mount namespace that maps one onto the \
         other (unshare(2) is refused). Either run tern as root, or enable unprivileged user namespaces \
         (sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0), or use a store rooted at \
         /nix itself ('--store /nix', shared with CppNix when its database is there; it needs write access to \
         /nix/store)",
        root.display()
    )
}

impl Sandbox {
    /// Prepares to start isolated builders (see [`isolated`]) showing the
    /// host paths of `sandbox-paths`.
    pub(crate) fn isolated(paths: &[String]) -> Result<Sandbox, String> {
        if !isolated::available() {
            return Err(isolated::unavailable_message());
        }
        Ok(Sandbox {
            isolate: true,
            paths: isolated::parse_all(paths),
            view: StoreView::Auto,
            caps: None,
            newroot: PathBuf::new(),
            root_ops: std::sync::Arc::new(Vec::new()),
        })
    }

    /// Whether builders run isolated.
    pub(crate) fn is_isolated(&self) -> bool {
        self.isolate
    }

    /// Prepares to start builders for the store rooted at `root`, with
    /// only the store mapped (`sandbox = false`).
    pub(crate) fn new(root: &Path, view: StoreView) -> Result<Sandbox, String> {
        let caps = namespaces();
        let view = match std::env::var("TERN_BUILD_STORE_VIEW").as_deref() {
            Ok("bind") => StoreView::Bind,
            Ok("newroot") => StoreView::NewRoot,
            _ => view,
        };
        let view = match view {
            StoreView::Auto if Path::new("/nix/store").is_dir() => StoreView::Bind,
            StoreView::Auto => StoreView::NewRoot,
            v => v,
        };
        let newroot = root.join("var/newroot");
        let mut root_ops = Vec::new();
        if view == StoreView::NewRoot && caps.is_some() {
            std::fs::create_dir_all(&newroot).map_err(|e| format!("cannot create '{}': {e}", newroot.display()))?;
            root_ops = new_root_ops(&newroot).map_err(|e| format!("cannot list '/': {e}"))?;
        }
        Ok(Sandbox { isolate: false, paths: Vec::new(), view, caps, newroot, root_ops: std::sync::Arc::new(root_ops) })
    }

    /// Whether builders can be given a store at another physical place.
    pub(crate) fn can_map(&self) -> bool {
        self.isolate || self.caps.is_some()
    }

    /// Starts the builder described by `spec`.
    pub(crate) fn spawn(&self, spec: SpawnSpec) -> io::Result<Child> {
        let isolated = match (&spec.isolation, self.isolate) {
            (Some(iso), true) => {
                let spec = isolated::IsolatedSpec {
                    staging: &iso.staging,
                    inputs: &iso.inputs,
                    build_dir: &spec.cwd,
                    extra: iso.extra.clone(),
                    host_network: iso.host_network,
                    binfmt: spec.binfmt.clone(),
                };
                Some(isolated::IsolatedPlan::new(&iso.root, &self.paths, spec).map_err(io::Error::other)?)
            }
            (None, true) => return Err(io::Error::other("an isolated build needs its sandbox's directories")),
            _ => None,
        };
        let is_nix_store = spec.store_dir == Path::new(crate::store::STORE_DIR);
        let mapping = if is_nix_store {
            Mapping::None
        } else {
            match self.view {
                StoreView::NewRoot => Mapping::NewRoot {
                    dir: cpath(&self.newroot),
                    store_target: cpath(&self.newroot.join("nix/store")),
                    src: cpath(&spec.store_dir),
                },
                _ => Mapping::Bind { src: cpath(&spec.store_dir) },
            }
        };
        if isolated.is_none() && (!matches!(mapping, Mapping::None) || spec.binfmt.is_some()) && self.caps.is_none() {
            return Err(io::Error::new(io::ErrorKind::Unsupported, "no mount namespace"));
        }
        // A private binfmt_misc belongs to a user namespace: never register in the host's.
        let caps = self.caps.map(|c| if spec.binfmt.is_some() { NsCaps { user: true, ..c } } else { c });
        let plan = ChildPlan {
            // SAFETY: no side effects.
            parent: unsafe { libc::getpid() },
            caps,
            maps: IdMaps::current(),
            binds: spec.binds.iter().map(|(s, d)| (cpath(s), cpath(d))).collect(),
            mapping,
            root_ops: self.root_ops.clone(),
            cwd: cpath(&spec.cwd),
            binfmt: spec.binfmt.as_deref().map(cstr),
            isolated,
        };
        let mut cmd = Command::new(std::ffi::OsStr::from_bytes(&spec.program));
        cmd.args(spec.args.iter().map(|a| std::ffi::OsStr::from_bytes(a)));
        cmd.env_clear();
        for (k, v) in &spec.env {
            cmd.env(std::ffi::OsStr::from_bytes(k), std::ffi::OsStr::from_bytes(v));
        }
        cmd.stdin(Stdio::null());
        cmd.stdout(Stdio::from(spec.log.try_clone()?));
        cmd.stderr(Stdio::from(spec.log));
        // SAFETY: `run` makes only async-signal-safe system calls on data
        // prepared above.
        unsafe {
            cmd.pre_exec(move || plan.run());
        }
        cmd.spawn()
    }
}

/// Makes this process (and what it will `exec`) see the store whose physical directory is
/// `store_dir` at `/nix/store`, as builders do: for running programs whose references point
/// into `/nix/store` (`tern with-store`). Must be called while the process has one thread
/// (unshare refuses a user namespace to a threaded process). The working directory is kept.
pub(crate) fn enter_store_view(store_dir: &Path) -> Result<(), String> {
    if store_dir == Path::new(crate::store::STORE_DIR) {
        return Ok(());
    }
    let root = store_dir.parent().unwrap_or(store_dir);
    let caps = namespaces().ok_or_else(|| no_namespace_message(root))?;
    // No PID namespace: the program is to be an ordinary child of the user's shell.
    let caps = NsCaps { pid: false, ..caps };
    let sandbox = Sandbox::new(root, StoreView::Auto)?;
    let mapping = match sandbox.view {
        StoreView::NewRoot => Mapping::NewRoot {
            dir: cpath(&sandbox.newroot),
            store_target: cpath(&sandbox.newroot.join("nix/store")),
            src: cpath(store_dir),
        },
        _ => Mapping::Bind { src: cpath(store_dir) },
    };
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let maps = IdMaps::current();
    // SAFETY: system calls on data prepared above; this process has a single thread.
    unsafe {
        enter_namespaces(caps, &maps).map_err(|e| format!("cannot create a mount namespace: {e}"))?;
        apply_mapping(&mapping, &sandbox.root_ops).map_err(|e| format!("cannot mount the store at /nix/store: {e}"))?;
    }
    std::env::set_current_dir(&cwd).map_err(|e| format!("cannot return to '{}': {e}", cwd.display()))
}

impl Sandbox {
    /// Whether builders run in their own PID namespace.
    pub(crate) fn pid_namespaces(&self) -> bool {
        self.isolate || self.caps.is_some_and(|c| c.pid)
    }
}

/// Stops a builder started by [`Sandbox::spawn`] and everything it
/// started. With a PID namespace, `gently` asks the waiter to kill the
/// namespace, which makes the waiter's exit mean that every process of
/// the build is gone; otherwise (or when that is not answered) the
/// builder's process group is killed outright.
pub(crate) fn kill_builder(pid: u32, gently: bool) {
    let pid = pid as libc::pid_t;
    // SAFETY: signals a process group and a process we started.
    unsafe {
        if gently {
            libc::kill(pid, libc::SIGTERM);
        } else {
            libc::kill(-pid, libc::SIGKILL);
            libc::kill(pid, libc::SIGKILL);
        }
    }
}
