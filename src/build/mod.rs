//! The embedded builder: realising derivations into tern's store, as
//! `nix-store --realise` / `nix-build` / `guix build` do.
//!
//! [`realise`] takes `.drv` store paths (logical, `/nix/store/…`) and
//! returns their output paths once they are valid:
//!
//! 1. `plan`: walk the input derivations, skipping any whose wanted
//!    outputs are valid already; copy derivations that only CppNix's store
//!    has (`import`).
//! 2. `platform`: refuse, before anything starts, derivations for a system
//!    this machine cannot run (or lacking required features), with a
//!    plain-words hint; route emulated systems through qemu-user.
//! 3. `scheduler`: build the rest in dependency order, up to `max_jobs` at
//!    once, each in `job`: per-output locks, a fresh build directory, the
//!    builder contract of store.md §7 (`sandbox::env`,
//!    `sandbox::structured`), a builder process that sees tern's store at
//!    `/nix/store` (`sandbox`), then `outputs`: existence, canonical form,
//!    fixed-output hash, references (`refscan`), one-transaction
//!    registration. Logs go to `<root>/var/log/drvs/…` (`log`).
//!
//! Nothing is lost when a build fails or is killed: an output becomes
//! valid only in the final database transaction; until then it is garbage
//! that the next build of it removes (under the same lock). Ctrl-C/SIGTERM
//! kill the builders and let jobs clean up (`signals`); if tern itself is
//! SIGKILLed, its builders die with it (PID namespace + parent-death
//! signal, see `sandbox`).
//!
//! This module knows nothing about evaluation: the evaluator (or the
//! command line) hands it `.drv` paths.

mod binfmt;
pub mod check;
mod closure;
pub mod config;
mod debroot;
mod drvattrs;
mod fetchurl;
mod import;
mod job;
pub mod log;
pub mod mirrors;
mod outputs;
mod plan;
pub mod platform;
pub mod progress;
pub mod refscan;
pub mod remote;
pub mod sandbox;
mod scheduler;
pub mod signals;
mod workdir;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

pub use job::{BuildFailure, FailureKind};
pub use platform::Platforms;
pub use progress::ProgressMode;
pub use sandbox::StoreView;

use crate::store::{Store, StorePath};

/// Which outputs of a derivation are wanted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputSpec {
    All,
    Names(BTreeSet<String>),
}

/// One thing to realise: a derivation and the outputs wanted from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildRequest {
    pub drv_path: StorePath,
    pub outputs: OutputSpec,
}

impl BuildRequest {
    pub fn all(drv_path: StorePath) -> BuildRequest {
        BuildRequest { drv_path, outputs: OutputSpec::All }
    }
}

/// The realised outputs of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltOutputs {
    pub drv_path: StorePath,
    /// Output name → store path (the wanted outputs only).
    pub outputs: BTreeMap<String, StorePath>,
}

/// How to build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Builds at once here (`-j`); 0 sends every build to remote builders
    /// (builtin builders still run here).
    pub max_jobs: usize,
    /// `NIX_BUILD_CORES` for each builder (`--cores`).
    pub cores: usize,
    /// Keep the build directory of a failed build (`-K`).
    pub keep_failed: bool,
    /// Go on with unrelated builds after a failure (`-k`).
    pub keep_going: bool,
    /// Rebuild requested derivations whose outputs are valid and compare.
    pub check: bool,
    /// Plan only: report what would be built.
    pub dry_run: bool,
    /// Copy each builder's output to stderr as it comes (`-L`).
    pub print_build_logs: bool,
    pub progress: ProgressMode,
    /// Systems to build under emulation (`--extra-platforms`).
    pub extra_platforms: Vec<String>,
    /// System features beyond the defaults.
    pub system_features: Vec<String>,
    pub store_view: StoreView,
    /// CppNix's store root to copy missing derivations from (`/nix`).
    pub import_from: Option<PathBuf>,
    /// Isolate builders (`sandbox` in tern.conf; see `sandbox::isolated`).
    pub sandbox: bool,
    /// Host paths isolated builders see (`sandbox-paths`).
    pub sandbox_paths: Vec<String>,
    /// Kill a builder whose log exceeds this many bytes (`max-build-log-size`).
    pub max_build_log_size: Option<u64>,
    /// Remote builders (`--builders`); with `max_jobs` 0 only they build.
    pub builders: Vec<remote::Machine>,
}

/// The number of CPUs available to this process.
pub fn cpu_count() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

impl Default for BuildOptions {
    fn default() -> BuildOptions {
        BuildOptions {
            max_jobs: cpu_count(),
            cores: cpu_count(),
            keep_failed: false,
            keep_going: false,
            check: false,
            dry_run: false,
            print_build_logs: false,
            progress: ProgressMode::Quiet,
            extra_platforms: Vec::new(),
            system_features: Vec::new(),
            store_view: StoreView::Auto,
            import_from: Some(PathBuf::from("/nix")),
            sandbox: true,
            sandbox_paths: sandbox::isolated::DEFAULT_SANDBOX_PATHS.iter().map(|s| s.to_string()).collect(),
            max_build_log_size: None,
            builders: Vec::new(),
        }
    }
}

/// Why `realise` did not deliver.
#[derive(Debug)]
pub enum BuildError {
    /// Nothing was started: some derivation cannot be built on this
    /// machine. Complete message (refusal and hint).
    Refused(String),
    /// Builds failed; `failures` are the primary failures, `abandoned` the
    /// requested derivations not built because of them.
    Failed { failures: Vec<BuildFailure>, abandoned: Vec<String> },
    /// Stopped by Ctrl-C or a signal; the store is consistent.
    Interrupted,
    /// Anything else (invalid paths, store errors), complete message.
    Other(String),
}

impl BuildError {
    /// The exit status, as CppNix computes it: bits over 0x60 — 0x04 a
    /// build failed (100), 0x02 a fixed output had the wrong hash (102),
    /// 0x08 `--check` found non-determinism (104); 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            BuildError::Failed { failures, .. } => {
                let has = |k: FailureKind| failures.iter().any(|f| f.kind == k);
                let mut mask = 0;
                if has(FailureKind::Failed) || has(FailureKind::HashMismatch) {
                    mask |= 0x04;
                }
                if has(FailureKind::HashMismatch) {
                    mask |= 0x02;
                }
                if has(FailureKind::NotDeterministic) {
                    mask |= 0x08;
                }
                if mask == 0 {
                    1
                } else {
                    mask | 0x60
                }
            }
            _ => 1,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Refused(m) | BuildError::Other(m) => f.write_str(m),
            BuildError::Interrupted => f.write_str("interrupted by the user"),
            BuildError::Failed { failures, abandoned } => {
                let mut first = true;
                for x in failures {
                    if !first {
                        f.write_str("\n")?;
                    }
                    first = false;
                    f.write_str(&x.message)?;
                }
                for a in abandoned {
                    if !first {
                        f.write_str("\n")?;
                    }
                    first = false;
                    f.write_str(a)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for BuildError {}

/// Builds every output of each of `drvs` that is not valid yet.
pub fn realise(store: &Store, drvs: &[StorePath], opts: &BuildOptions) -> Result<Vec<BuiltOutputs>, BuildError> {
    let requests: Vec<BuildRequest> = drvs.iter().cloned().map(BuildRequest::all).collect();
    realise_requests(store, &requests, opts)
}

/// Like [`realise`], with a choice of outputs per derivation.
pub fn realise_requests(
    store: &Store,
    requests: &[BuildRequest],
    opts: &BuildOptions,
) -> Result<Vec<BuiltOutputs>, BuildError> {
    let (plan, imported) = plan::make(store, requests, opts)?;
    let progress = Arc::new(progress::Progress::new(opts.progress, plan.jobs().len()));
    if imported > 0 {
        progress
            .message(&format!("copied {imported} path{} from CppNix's store", if imported == 1 { "" } else { "s" }));
    }

    // Refuse up front what this machine cannot build.
    let platforms = Platforms::detect(&opts.extra_platforms, &opts.system_features);
    // With remote builders, what one of them takes need not be possible here.
    let mut runners = BTreeMap::new();
    for i in plan.jobs() {
        let node = &plan.nodes[i];
        let attrs = drvattrs::DrvAttrs::new(&node.drv).map_err(BuildError::Other)?;
        let features: BTreeSet<String> = attrs.list("requiredSystemFeatures").unwrap_or_default().into_iter().collect();
        let system = String::from_utf8_lossy(&node.drv.platform).into_owned();
        let feature_list: Vec<String> = features.iter().cloned().collect();
        let builtin = node.drv.builder.starts_with(b"builtin:");
        let remote_ok = !builtin && opts.builders.iter().any(|m| m.accepts(&system, &feature_list));
        match platforms.check(&node.drv_path.to_string(), &system, &features) {
            Ok(runner) if opts.max_jobs > 0 || builtin || !remote_ok => {
                runners.insert(i, runner);
            }
            Ok(_) => {}
            Err(_) if remote_ok => {}
            Err(refusal) => return Err(BuildError::Refused(refusal)),
        }
        if opts.max_jobs == 0 && !builtin && !remote_ok {
            return Err(BuildError::Refused(format!(
                "cannot build '{}' for '{system}'{}: '--max-jobs 0' builds nothing here, and no remote builder takes \
                 it{}",
                node.drv_path,
                if features.is_empty() { String::new() } else { format!(" (features: {})", feature_list.join(", ")) },
                if opts.builders.is_empty() {
                    " (none is configured: --builders, or builders in tern.conf)"
                } else {
                    ""
                }
            )));
        }
    }

    let mut to_build: Vec<String> = plan
        .jobs()
        .into_iter()
        .filter(|&i| plan.nodes[i].state == plan::NodeState::Build)
        .map(|i| plan.nodes[i].drv_path.to_string())
        .collect();
    to_build.sort();
    progress.plan(&to_build, if opts.dry_run { "built (dry run)" } else { "built" });
    if opts.dry_run {
        return Ok(Vec::new());
    }

    if !plan.jobs().is_empty() {
        workdir::clean_stale(store.root());
        let sandbox = if opts.sandbox {
            sandbox::Sandbox::isolated(&opts.sandbox_paths)
        } else {
            sandbox::Sandbox::new(store.root(), opts.store_view)
        }
        .map_err(BuildError::Other)?;
        let root_is_nix = store.root() == std::path::Path::new("/nix");
        if !root_is_nix && !sandbox.can_map() {
            return Err(BuildError::Other(sandbox::no_namespace_message(store.root())));
        }
        let r = scheduler::run(store, &plan, &runners, opts, &sandbox, &progress);
        progress.done();
        if r.interrupted {
            return Err(BuildError::Interrupted);
        }
        if !r.failures.is_empty() || !r.not_done.is_empty() {
            let failed: BTreeSet<&StorePath> = r.failures.iter().map(|f| &f.drv_path).collect();
            let mut abandoned = Vec::new();
            for &root in &plan.roots {
                let node = &plan.nodes[root];
                if r.not_done.contains_key(&root) && !failed.contains(&node.drv_path) {
                    let n = node.deps.iter().filter(|d| r.not_done.contains_key(d)).count();
                    abandoned.push(format!(
                        "{n} dependenc{} of derivation '{}' failed to build",
                        if n == 1 { "y" } else { "ies" },
                        node.drv_path
                    ));
                }
            }
            return Err(BuildError::Failed { failures: r.failures, abandoned });
        }
    }

    requests
        .iter()
        .zip(&plan.roots)
        .map(|(req, &i)| {
            Ok(BuiltOutputs {
                drv_path: req.drv_path.clone(),
                outputs: plan::requested_outputs(&plan.nodes[i], &req.outputs)?,
            })
        })
        .collect()
}
