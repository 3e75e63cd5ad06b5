//! Building one derivation, start to finish.
//!
//! 1. **Lock** every output (sorted, so two processes never deadlock),
//!    polling so an interrupt is noticed while waiting. Another tern may
//!    have built the outputs meanwhile: if they are valid now, done — this
//!    is how two `tern build`s of the same derivation build it once and
//!    both succeed.
//! 2. **Clean**: whatever sits at an output's real path is not valid (a
//!    crashed or killed build's leftover) and is removed.
//! 3. **Prepare** a fresh build directory `$TMPDIR/nix-build-<name>.drv-<n>`
//!    with the passAsFile/structured files, the environment, the log file
//!    (`workdir`, which also removes what killed runs left). An isolated
//!    builder creates its outputs in a staging store holding its input
//!    closure; they move into the store once accepted.
//! 4. **Run** the builder (see `sandbox`), registered in [`Running`] so an
//!    interrupt or another job's failure can kill it.
//! 5. **Finish**: on exit 0, `outputs` checks and registers the outputs;
//!    otherwise (or if that fails) the outputs are removed. The build
//!    directory is removed, or kept with `--keep-failed` when it failed.
//!    Locks are released last, after registration or removal, so nobody
//!    ever sees a half-built output as anything but garbage.
//!
//! `--check` jobs take no locks and never touch the real outputs: they
//! build into a scratch store (`check`) and compare.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::closure::Closures;
use super::drvattrs::DrvAttrs;
use super::log::{log_path, LogSink};
use super::outputs::{self, OutputError};
use super::platform::Runner;
use super::progress::Progress;
use super::sandbox::env::{prepare, EnvSettings};
use super::sandbox::isolated::SandboxPath;
use super::sandbox::{self, refgraph, Sandbox, SpawnSpec};
use super::workdir::WorkDir;
use super::{check, signals, BuildOptions};
use crate::store::{remove_tree, Derivation, PathLock, Store, StorePath};

/// What kind of failure (decides the exit status, as CppNix's bits do).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The builder failed, or its outputs were rejected.
    Failed,
    /// A fixed output had the wrong hash.
    HashMismatch,
    /// `--check` found a different output.
    NotDeterministic,
    /// Stopped by an interrupt or because another build failed.
    Cancelled,
    /// Could not even start (setup, store errors).
    Setup,
}

/// A derivation that could not be built, with the complete message.
#[derive(Clone, Debug)]
pub struct BuildFailure {
    pub drv_path: StorePath,
    pub kind: FailureKind,
    pub message: String,
}

/// Builders running now, so they can be killed from the scheduler.
pub(crate) struct Running {
    pids: Mutex<HashMap<u32, ()>>,
    stopping: AtomicBool,
    /// Builders have a PID namespace (and a waiter that kills it on SIGTERM).
    gentle: bool,
    since: Mutex<Option<Instant>>,
}

/// How long a waiter gets to answer SIGTERM before the process group is killed.
const ESCALATE_AFTER: Duration = Duration::from_secs(2);

impl Running {
    pub(crate) fn new(gentle: bool) -> Running {
        Running { pids: Mutex::default(), stopping: AtomicBool::new(false), gentle, since: Mutex::new(None) }
    }

    /// Records a started builder; kills it at once if we are stopping.
    fn add(&self, pid: u32) {
        let mut pids = self.pids.lock().unwrap_or_else(|p| p.into_inner());
        pids.insert(pid, ());
        if self.stopping.load(Ordering::SeqCst) {
            sandbox::kill_builder(pid, self.gentle);
        }
    }

    fn remove(&self, pid: u32) {
        self.pids.lock().unwrap_or_else(|p| p.into_inner()).remove(&pid);
    }

    /// Kills every running builder (and any started later). Called again
    /// while builders remain, it repeats the request, and escalates to
    /// SIGKILL once they had [`ESCALATE_AFTER`] to go.
    pub(crate) fn stop_all(&self) {
        let pids = self.pids.lock().unwrap_or_else(|p| p.into_inner());
        self.stopping.store(true, Ordering::SeqCst);
        let mut since = self.since.lock().unwrap_or_else(|p| p.into_inner());
        let started = *since.get_or_insert_with(Instant::now);
        let gently = self.gentle && started.elapsed() < ESCALATE_AFTER;
        for pid in pids.keys() {
            sandbox::kill_builder(*pid, gently);
        }
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

/// Shared by all jobs of one `realise` call.
pub(crate) struct JobContext<'a> {
    pub store: &'a Store,
    pub opts: &'a BuildOptions,
    pub sandbox: &'a Sandbox,
    pub running: &'a Running,
    pub progress: &'a std::sync::Arc<Progress>,
    pub closures: &'a Closures,
    pub builders: &'a super::remote::Builders,
}

/// One derivation to build (or check).
pub(crate) struct Job {
    pub drv_path: StorePath,
    pub drv: std::sync::Arc<Derivation>,
    pub runner: Runner,
    /// Input sources and the used outputs of input derivations.
    pub inputs: BTreeSet<StorePath>,
    pub check: bool,
    /// The remote builder whose slot the scheduler reserved for this job.
    pub remote: Option<usize>,
    /// Whether this machine can build it, should the remote builders fail.
    pub local_possible: bool,
}

/// What a successful job produced.
pub(crate) enum Outcome {
    /// Built now, or found built by another process.
    Built,
    /// `--check` found the same outputs.
    Checked,
}

impl Job {
    fn fail(&self, kind: FailureKind, message: impl Into<String>) -> BuildFailure {
        BuildFailure { drv_path: self.drv_path.clone(), kind, message: message.into() }
    }

    fn setup(&self, message: impl std::fmt::Display) -> BuildFailure {
        self.fail(FailureKind::Setup, format!("while setting up the build of '{}': {message}", self.drv_path))
    }
}

/// Locks `paths` in order, polling; `None` if interrupted meanwhile.
fn lock_all(cx: &JobContext<'_>, paths: &[StorePath]) -> Result<Option<Vec<PathLock>>, String> {
    let mut locks = Vec::new();
    for p in paths {
        let mut announced = false;
        loop {
            if let Some(l) = cx.store.try_lock_path(p).map_err(|e| e.to_string())? {
                locks.push(l);
                break;
            }
            if signals::interrupted() || cx.running.stopping() {
                return Ok(None);
            }
            if !announced {
                cx.progress.message(&format!("waiting for lock on '{p}'"));
                announced = true;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
    Ok(Some(locks))
}

/// Reaps `child` after it exits, unregistering it first (so it is never
/// killed after its pid could be reused).
fn wait_child(cx: &JobContext<'_>, child: &mut std::process::Child) -> std::io::Result<std::process::ExitStatus> {
    let pid = child.id();
    // SAFETY: waitid with WNOWAIT only observes the child, which stays a
    // zombie (its pid reserved) until `wait` below reaps it.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        while libc::waitid(libc::P_PID, pid, &mut info, libc::WEXITED | libc::WNOWAIT) != 0 {
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                break;
            }
        }
    }
    cx.running.remove(pid);
    child.wait()
}

fn describe_status(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("exit code {c}"),
        (None, Some(s)) => {
            // SAFETY: strsignal returns a static string.
            let name = unsafe { std::ffi::CStr::from_ptr(libc::strsignal(s)) }.to_string_lossy().into_owned();
            format!("signal {s} ({name})")
        }
        _ => "an unknown status".to_string(),
    }
}

/// `tern log` advice, naming the store when it is not the default one.
fn log_hint(store: &Store, drv_path: &StorePath) -> String {
    let default = crate::store::resolve_root(None).ok().and_then(|r| fs::canonicalize(r).ok());
    if default.as_deref() == Some(store.root()) {
        format!("For full logs, run 'tern log {drv_path}'.")
    } else {
        format!("For full logs, run 'tern log --store {} {drv_path}'.", store.root().display())
    }
}

/// Builds (or checks) one derivation.
pub(crate) fn run(cx: &JobContext<'_>, job: &Job) -> Result<Outcome, BuildFailure> {
    let outputs = outputs::output_paths(&job.drv).map_err(|e| job.setup(e))?;
    let out_list: Vec<StorePath> = outputs.values().cloned().collect();

    let mut locks = Vec::new();
    if !job.check {
        match lock_all(cx, &out_list).map_err(|e| job.setup(e))? {
            Some(l) => locks = l,
            None => return Err(job.fail(FailureKind::Cancelled, "interrupted")),
        }
        let valid: Vec<bool> =
            out_list.iter().map(|p| cx.store.is_valid(p)).collect::<Result<_, _>>().map_err(|e| job.setup(e))?;
        if valid.iter().all(|v| *v) {
            return Ok(Outcome::Built);
        }
        if valid.iter().any(|v| *v) {
            return Err(job
                .setup("some of its outputs are valid and others are not; tern cannot rebuild only the missing ones"));
        }
        for p in &out_list {
            cx.store.remove_invalid(p).map_err(|e| job.setup(e))?;
        }
        cx.store.mark_pending(&out_list).map_err(|e| job.setup(e))?;
    }
    let result = build(cx, job, &outputs);
    drop(locks);
    result
}

fn build(cx: &JobContext<'_>, job: &Job, outputs: &BTreeMap<String, StorePath>) -> Result<Outcome, BuildFailure> {
    let store = cx.store;
    let attrs = DrvAttrs::new(&job.drv).map_err(|e| job.setup(e))?;
    let builder = String::from_utf8_lossy(&job.drv.builder).into_owned();
    if builder == "builtin:fetchurl" || builder == "builtin:unpack-debs" {
        return run_builtin(cx, job, &attrs, outputs, &builder);
    }
    if builder.starts_with("builtin:") {
        return Err(job.setup(format!(
            "builtin builders ('{builder}') are not supported by tern; build this derivation with CppNix"
        )));
    }
    let closure = cx.closures.closure(store, job.inputs.iter()).map_err(|e| job.setup(e))?;
    if let Some(machine) = job.remote {
        match build_remotely(cx, job, machine, &closure, outputs) {
            Some(result) => return result,
            None => cx.progress.message(&format!("building '{}' here: no remote builder took it", job.drv_path)),
        }
    }

    let work = WorkDir::create(store.root(), &job.drv_path).map_err(|e| job.setup(e))?;
    let result = build_in(cx, job, &attrs, &work, &closure, outputs);
    let keep = cx.opts.keep_failed && matches!(&result, Err(f) if f.kind != FailureKind::Cancelled);
    if keep {
        cx.progress.message(&format!("note: keeping build directory '{}'", work.build_dir.display()));
    }
    work.finish(keep);
    if result.is_err() && !job.check {
        for p in outputs.values() {
            let _ = store.remove_invalid(p);
        }
    }
    result
}

/// Builds on remote builders, starting with the reserved `machine` and
/// moving on to another one while a machine cannot be reached; `None` when
/// none is left and this machine may build it instead.
fn build_remotely(
    cx: &JobContext<'_>,
    job: &Job,
    first: usize,
    closure: &BTreeSet<StorePath>,
    outputs: &BTreeMap<String, StorePath>,
) -> Option<Result<Outcome, BuildFailure>> {
    let builders = cx.builders;
    let system = String::from_utf8_lossy(&job.drv.platform).into_owned();
    let features: Vec<String> =
        DrvAttrs::new(&job.drv).ok().and_then(|a| a.list("requiredSystemFeatures")).unwrap_or_default();
    let limits = super::remote::serve::RemoteBuildLimits {
        max_log_size: cx.opts.max_build_log_size.unwrap_or(0),
        ..Default::default()
    };
    let remote_job = super::remote::RemoteJob {
        drv_path: &job.drv_path,
        drv: &job.drv,
        inputs: &job.inputs,
        closure,
        outputs,
        limits,
    };
    let mut machine = Some(first);
    let mut last_error = String::new();
    while let Some(m) = machine {
        let uri = builders.machine(m).uri.clone();
        cx.progress.message(&format!("building '{}' on '{uri}'", job.drv_path));
        let result = remote_attempt(cx, job, m, &remote_job);
        builders.release(m);
        match result {
            Ok(()) => return Some(Ok(Outcome::Built)),
            Err(super::remote::RemoteError::Failed(message)) => {
                return Some(Err(job.fail(FailureKind::Failed, message)));
            }
            Err(super::remote::RemoteError::Unreachable(message)) => {
                cx.progress.message(&format!("warning: remote builder '{uri}' is unusable: {message}"));
                builders.mark_down(m);
                for p in outputs.values() {
                    let _ = cx.store.remove_invalid(p);
                }
                last_error = format!("'{uri}': {message}");
            }
        }
        if cx.running.stopping() {
            return Some(Err(job.fail(FailureKind::Cancelled, "interrupted")));
        }
        machine = builders.reserve(&system, &features);
    }
    if job.local_possible {
        return None;
    }
    Some(Err(job.fail(
        FailureKind::Failed,
        format!("cannot build '{}': no remote builder could take it (last: {last_error})", job.drv_path),
    )))
}

/// One try on one machine, its session's messages and build log going to
/// the derivation's log.
fn remote_attempt(
    cx: &JobContext<'_>,
    job: &Job,
    machine: usize,
    remote_job: &super::remote::RemoteJob<'_>,
) -> Result<(), super::remote::RemoteError> {
    use super::remote::RemoteError;
    let setup =
        |e: String| RemoteError::Failed(format!("while setting up the remote build of '{}': {e}", job.drv_path));
    let log_file = log_path(cx.store.root(), &job.drv_path);
    let echo: Option<super::log::LineEcho> = if cx.opts.print_build_logs {
        let progress = cx.progress.clone();
        let name = job.drv.name.clone();
        Some(Box::new(move |line: &str| progress.log_line(&name, line)))
    } else {
        None
    };
    let mut sink = LogSink::open(&log_file, echo, None, Box::new(|| {}))
        .map_err(|e| setup(format!("cannot open its log: {e}")))?;
    let work = WorkDir::create(cx.store.root(), &job.drv_path).map_err(|e| setup(e.to_string()))?;
    let stderr = sink.take_builder_side().map_err(|e| setup(e.to_string()))?;
    let result = super::remote::build(cx.store, cx.builders.machine(machine), remote_job, stderr, &work.build_dir);
    work.finish(false);
    let summary = sink.finish();
    // ssh's own complaint ("Connection refused", …) is in the log.
    result.map_err(|e| match e {
        RemoteError::Unreachable(m) => {
            let said = summary.last_lines(3).join("; ");
            RemoteError::Unreachable(if said.is_empty() { m } else { format!("{m} ({said})") })
        }
        failed => failed,
    })
}

/// A builtin builder, run in this process: `builtin:fetchurl` (download)
/// or `builtin:unpack-debs` (see `debroot`), into the build's staging
/// directory; then the output is checked and moved into the store like any
/// other. With `--check` it is made again and compared with the registered
/// one.
fn run_builtin(
    cx: &JobContext<'_>,
    job: &Job,
    attrs: &DrvAttrs<'_>,
    outputs: &BTreeMap<String, StorePath>,
    builder: &str,
) -> Result<Outcome, BuildFailure> {
    let out = super::fetchurl::single_output(outputs).map_err(|e| job.setup(e))?;
    let work = WorkDir::create(cx.store.root(), &job.drv_path).map_err(|e| job.setup(e))?;
    let staging = work.staging();
    let name = job.drv.name.clone();
    cx.progress.started(&name, &job.drv_path.to_string(), job.check);
    let dest = staging.join(out.base_name());
    let made = if builder == "builtin:unpack-debs" {
        unpack_debs(cx, job, &dest).map_err(|message| super::fetchurl::FetchFailure { message, hash_mismatch: false })
    } else {
        super::fetchurl::fetch(&job.drv_path, &job.drv, &dest, cx.progress)
    };
    let no_inputs = BTreeSet::new();
    let result = match made {
        Err(f) if f.hash_mismatch => Err(job.fail(FailureKind::HashMismatch, f.message)),
        Err(f) => Err(job.fail(FailureKind::Failed, f.message)),
        Ok(()) if job.check => compare(cx, job, attrs, &no_inputs, outputs, &staging),
        Ok(()) => match outputs::register_outputs(cx.store, &job.drv_path, &job.drv, attrs, &no_inputs, Some(&staging))
        {
            Ok(_) => Ok(Outcome::Built),
            Err(OutputError::HashMismatch(m)) => Err(job.fail(FailureKind::HashMismatch, m)),
            Err(OutputError::Other(m)) => Err(job.fail(FailureKind::Failed, m)),
        },
    };
    work.finish(false);
    if result.is_err() && !job.check {
        let _ = cx.store.remove_invalid(out);
    }
    cx.progress.finished(&name, result.is_ok());
    result
}

/// `builtin:unpack-debs`: the `.deb` store paths of the `debs` attribute, unpacked into `dest`.
fn unpack_debs(cx: &JobContext<'_>, job: &Job, dest: &Path) -> Result<(), String> {
    let debs = job.drv.env_get("debs").map(|v| String::from_utf8_lossy(v).into_owned()).unwrap_or_default();
    let mut files = Vec::new();
    for deb in debs.split_whitespace() {
        let (path, rest) = crate::store::path::split_store_path(deb)
            .map_err(|e| format!("builtin:unpack-debs: '{deb}' is not a store path: {e}"))?;
        if !job.inputs.contains(&path) {
            return Err(format!("builtin:unpack-debs: '{deb}' is not an input of the derivation"));
        }
        let real = cx.store.real_path(&path);
        files.push(if rest.is_empty() { real } else { real.join(rest.trim_start_matches('/')) });
    }
    if files.is_empty() {
        return Err("builtin:unpack-debs: the derivation names no packages in 'debs'".into());
    }
    super::debroot::unpack_debs(&files, dest)
}

/// Where the builder creates its outputs and what it is shown.
struct StoreSetup {
    /// The physical directory shown at `/nix/store` (unsandboxed builds).
    store_dir: PathBuf,
    /// Bind mounts for an unsandboxed `--check`.
    binds: Vec<(PathBuf, PathBuf)>,
    /// Where the outputs appear, when not in the store itself.
    staging: Option<PathBuf>,
    isolation: Option<sandbox::Isolation>,
}

fn build_in(
    cx: &JobContext<'_>,
    job: &Job,
    attrs: &DrvAttrs<'_>,
    work: &WorkDir,
    closure: &BTreeSet<StorePath>,
    outputs: &BTreeMap<String, StorePath>,
) -> Result<Outcome, BuildFailure> {
    let store = cx.store;
    let staging = work.staging();
    let setup = if cx.sandbox.is_isolated() {
        // Isolated: the builder's /nix/store is the staging directory with
        // the input closure mounted in it; outputs move to the store after.
        let inputs = check::scratch_store(store, &staging, closure.iter().cloned()).map_err(|e| job.setup(e))?;
        hand_to_builder(&staging, false).map_err(|e| job.setup(e))?;
        let extra = match &job.runner {
            Runner::Qemu(q) | Runner::PrivateBinfmt(q) => {
                vec![SandboxPath { target: q.clone(), source: q.clone(), optional: false }]
            }
            Runner::Direct => Vec::new(),
        };
        let isolation = sandbox::Isolation {
            root: work.root_mount_point(),
            staging: staging.clone(),
            inputs,
            host_network: job.drv.is_fixed_output(),
            extra,
        };
        StoreSetup { store_dir: staging.clone(), binds: Vec::new(), staging: Some(staging), isolation: Some(isolation) }
    } else if job.check {
        let binds = check::scratch_store(store, &staging, closure.iter().cloned()).map_err(|e| job.setup(e))?;
        StoreSetup { store_dir: staging.clone(), binds, staging: Some(staging), isolation: None }
    } else {
        StoreSetup { store_dir: store.root().join("store"), binds: Vec::new(), staging: None, isolation: None }
    };
    run_builder(cx, job, attrs, &work.build_dir, setup, closure, outputs)
}

/// Gives the sandbox's build user `path`, and with `recursive` everything
/// in it (only root needs to: otherwise the build user is tern's own
/// user).
fn hand_to_builder(path: &Path, recursive: bool) -> Result<(), String> {
    // SAFETY: no side effects.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(());
    }
    let id = sandbox::isolated::HOST_BUILD_ID;
    std::os::unix::fs::lchown(path, Some(id), Some(id))
        .map_err(|e| format!("cannot give '{}' to the build user: {e}", path.display()))?;
    if recursive && fs::symlink_metadata(path).map_err(|e| e.to_string())?.is_dir() {
        for e in fs::read_dir(path).map_err(|e| e.to_string())? {
            hand_to_builder(&e.map_err(|e| e.to_string())?.path(), true)?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn run_builder(
    cx: &JobContext<'_>,
    job: &Job,
    attrs: &DrvAttrs<'_>,
    build_dir: &Path,
    setup: StoreSetup,
    closure: &BTreeSet<StorePath>,
    outputs: &BTreeMap<String, StorePath>,
) -> Result<Outcome, BuildFailure> {
    let store = cx.store;
    let caller_env = |name: &str| std::env::var_os(name).map(std::os::unix::ffi::OsStringExt::into_vec);
    let settings = EnvSettings { build_dir, cores: cx.opts.cores, caller_env: &caller_env };
    let benv = prepare(&job.drv, attrs, &settings).map_err(|e| job.setup(e))?;
    if attrs.structured.is_none() {
        if let Some(spec) = job.drv.env_get("exportReferencesGraph") {
            let spec = String::from_utf8_lossy(spec);
            refgraph::write(store, &spec, closure, build_dir).map_err(|e| job.setup(e))?;
        }
    }

    if setup.isolation.is_some() {
        hand_to_builder(build_dir, true).map_err(|e| job.setup(e))?;
    }
    let name = job.drv.name.clone();
    let log_file = log_path(store.root(), &job.drv_path);
    let echo: Option<super::log::LineEcho> = if cx.opts.print_build_logs {
        let progress = cx.progress.clone();
        let name = name.clone();
        Some(Box::new(move |line: &str| progress.log_line(&name, line)))
    } else {
        None
    };
    // The copier stops the builder when its log is too big or cannot be
    // written; the pid is known once it is started.
    let builder_pid = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let stop: super::log::StopBuilder = {
        let pid = builder_pid.clone();
        let gently = cx.sandbox.pid_namespaces();
        Box::new(move || {
            let pid = pid.load(Ordering::SeqCst);
            if pid != 0 {
                sandbox::kill_builder(pid, gently);
            }
        })
    };
    let mut sink = LogSink::open(&log_file, echo, cx.opts.max_build_log_size, stop)
        .map_err(|e| job.setup(format!("cannot open log file '{}': {e}", log_file.display())))?;

    // Under qemu the builder must be a program of the emulated machine. With
    // binfmt_misc a script is fine too (the kernel runs its interpreter).
    if let Runner::Qemu(q) | Runner::PrivateBinfmt(q) = &job.runner {
        let scripts_run = matches!(job.runner, Runner::PrivateBinfmt(_));
        let shown = String::from_utf8_lossy(&benv.builder).into_owned();
        let file = match crate::store::path::split_store_path(&shown) {
            Ok((p, rest)) => store.real_path(&p).join(rest.trim_start_matches('/')),
            Err(_) => PathBuf::from(&shown),
        };
        let system = String::from_utf8_lossy(&job.drv.platform);
        if let Some(problem) = super::platform::emulated_builder_problem(&file, &shown, &system, q, scripts_run) {
            return Err(job.fail(FailureKind::Setup, problem));
        }
    }
    let mut binfmt = None;
    if let Runner::PrivateBinfmt(q) = &job.runner {
        let system = String::from_utf8_lossy(&job.drv.platform).into_owned();
        binfmt =
            Some(super::binfmt::registration(&system, q).ok_or_else(|| {
                job.setup(format!("cannot register '{}' for '{system}' in binfmt_misc", q.display()))
            })?);
    }
    let (program, mut args) = match &job.runner {
        Runner::Direct | Runner::PrivateBinfmt(_) => (benv.builder.clone(), Vec::new()),
        Runner::Qemu(q) => (q.as_os_str().as_encoded_bytes().to_vec(), vec![benv.builder.clone()]),
    };
    args.extend(benv.args);
    let log = sink.take_builder_side().map_err(|e| job.setup(e))?;
    let spec = SpawnSpec {
        program,
        args,
        env: benv.env.into_iter().collect(),
        cwd: build_dir.to_path_buf(),
        log,
        store_dir: setup.store_dir,
        binds: setup.binds,
        binfmt,
        isolation: setup.isolation,
    };

    cx.progress.started(&name, &job.drv_path.to_string(), job.check);
    let spawned = cx.sandbox.spawn(spec);
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            let summary = sink.finish();
            cx.progress.finished(&name, false);
            let builder = String::from_utf8_lossy(&job.drv.builder).into_owned();
            let mut msg = if e.kind() == std::io::ErrorKind::Unsupported {
                sandbox::no_namespace_message(store.root())
            } else {
                format!("cannot start builder '{builder}': {e}")
            };
            // The sandbox names the step that failed in the log.
            for line in summary.last_lines(3) {
                msg.push_str(&format!("\n> {line}"));
            }
            return Err(job.setup(msg));
        }
    };
    cx.running.add(child.id());
    builder_pid.store(child.id(), Ordering::SeqCst);
    let status = wait_child(cx, &mut child);
    builder_pid.store(0, Ordering::SeqCst);
    let summary = sink.finish();

    let finish = |ok: bool| cx.progress.finished(&name, ok);
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            finish(false);
            return Err(job.setup(format!("cannot wait for the builder: {e}")));
        }
    };
    if cx.running.stopping() && !status.success() {
        finish(false);
        return Err(job.fail(FailureKind::Cancelled, "interrupted"));
    }
    if let Some(limit) = summary.exceeded {
        finish(false);
        return Err(job.fail(
            FailureKind::Failed,
            format!("builder for '{}' killed after writing more than {limit} bytes of log output", job.drv_path),
        ));
    }
    if let Some(e) = &summary.write_error {
        finish(false);
        return Err(job.fail(
            FailureKind::Failed,
            format!("build of '{}' stopped: cannot write its log '{}': {}", job.drv_path, log_file.display(), e),
        ));
    }
    if !status.success() {
        finish(false);
        let mut msg = format!("builder for '{}' failed with {}", job.drv_path, describe_status(status));
        let lines = summary.last_lines(10);
        if !lines.is_empty() {
            msg.push_str(&format!(";\nlast {} log lines:", lines.len()));
            for l in &lines {
                msg.push_str(&format!("\n> {l}"));
            }
        }
        msg.push('\n');
        msg.push_str(&log_hint(store, &job.drv_path));
        return Err(job.fail(FailureKind::Failed, msg));
    }
    if Path::new("/homeless-shelter").exists() {
        finish(false);
        return Err(job.fail(
            FailureKind::Failed,
            "home directory '/homeless-shelter' exists; please remove it to assure purity of builds without \
             sandboxing",
        ));
    }

    let result = match setup.staging.as_deref().filter(|_| job.check) {
        None => {
            match outputs::register_outputs(store, &job.drv_path, &job.drv, attrs, closure, setup.staging.as_deref()) {
                Ok(infos) => {
                    for i in &infos {
                        cx.closures.learn(&i.path, &i.references);
                    }
                    Ok(Outcome::Built)
                }
                Err(OutputError::HashMismatch(m)) => Err(job.fail(FailureKind::HashMismatch, m)),
                Err(OutputError::Other(m)) => Err(job.fail(FailureKind::Failed, m)),
            }
        }
        Some(dir) => compare(cx, job, attrs, closure, outputs, dir),
    };
    finish(result.is_ok());
    result
}

/// `--check`: hashes the rebuilt outputs in `dir` and compares them with
/// the registered ones.
fn compare(
    cx: &JobContext<'_>,
    job: &Job,
    attrs: &DrvAttrs<'_>,
    closure: &BTreeSet<StorePath>,
    outputs: &BTreeMap<String, StorePath>,
    dir: &Path,
) -> Result<Outcome, BuildFailure> {
    let store = cx.store;
    let infos =
        outputs::process_outputs(store, &job.drv_path, &job.drv, attrs, closure, outputs, |p| dir.join(p.base_name()))
            .map_err(|e| match e {
                OutputError::HashMismatch(m) => job.fail(FailureKind::HashMismatch, m),
                OutputError::Other(m) => job.fail(FailureKind::Failed, m),
            })?;
    for info in infos {
        let old = store.query_info(&info.path).map_err(|e| job.setup(e))?;
        let Some(old) = old else { continue };
        if old.nar_hash == info.nar_hash {
            continue;
        }
        let new_copy = dir.join(info.path.base_name());
        let mut msg = format!("derivation '{}' may not be deterministic: output '{}' differs", job.drv_path, info.path);
        if let Some((file, what)) = check::first_difference(&store.real_path(&info.path), &new_copy) {
            let shown = if file.is_empty() { info.path.to_string() } else { format!("{}/{file}", info.path) };
            msg.push_str(&format!("\nfirst difference: '{shown}' ({what})"));
        }
        msg.push_str(&format!(
            "\n  registered: {}\n  rebuilt:    {}",
            old.nar_hash.encode(crate::store::HashFormat::Nix32, true),
            info.nar_hash.encode(crate::store::HashFormat::Nix32, true)
        ));
        if cx.opts.keep_failed {
            let kept = store.root().join("store").join(format!("{}.check", info.path.base_name()));
            let _ = remove_tree(&kept);
            if fs::rename(&new_copy, &kept).is_ok() {
                msg.push_str(&format!("\nthe rebuilt output is kept at '{}'", kept.display()));
            }
        }
        return Err(job.fail(FailureKind::NotDeterministic, msg));
    }
    Ok(Outcome::Checked)
}
