//! Building on remote machines, so any machine with Nix can take tern's
//! builds: CppNix's `nix-store --serve --write` over ssh for `ssh://`
//! builders ([`serve`]), the worker protocol of `nix-daemon --stdio` for
//! `ssh-ng://` ones ([`worker`]); both behind one [`Session`] here.
//!
//! For a job sent to a machine: open a session, copy what the remote store
//! lacks of the inputs' closure (references first, as NARs), build the
//! derivation there with its inputs, then copy each output back, check it
//! against the NAR hash the remote store reports, and register the outputs
//! together. The remote build log streams into the local log (and to
//! stderr with `-L`), as local builds do.
//!
//! A machine that cannot be reached, or that drops the session, is marked
//! down for a while and the job goes elsewhere (another machine, or this
//! one unless `--max-jobs 0`); a build that fails there is reported once,
//! not retried. Outputs are registered only once all are in place and
//! verified, so a half-copied output is never valid.

pub mod copy;
pub mod daemon;
pub mod machines;
pub mod serve;
pub mod wire;
pub mod worker;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use machines::{parse_builders, Machine};
use serve::{RemoteBuildLimits, ServeConnection};
use worker::{SessionOptions, WorkerConnection, WorkerError};

use crate::store::{PathInfo, Store, StorePath};

/// How long a machine that failed to answer is left alone.
const DOWN_FOR: Duration = Duration::from_secs(120);

/// The remote builders of one `realise` call, with their free slots.
#[derive(Default)]
pub struct Builders {
    machines: Vec<Machine>,
    state: Mutex<Vec<MachineState>>,
}

#[derive(Clone, Copy, Default)]
struct MachineState {
    busy: usize,
    down_until: Option<Instant>,
}

impl Builders {
    pub fn new(machines: Vec<Machine>) -> Builders {
        let state = Mutex::new(vec![MachineState::default(); machines.len()]);
        Builders { machines, state }
    }

    pub fn is_empty(&self) -> bool {
        self.machines.is_empty()
    }

    pub fn machine(&self, i: usize) -> &Machine {
        &self.machines[i]
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Vec<MachineState>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Does some machine (up or not, busy or not) take this kind of build?
    pub fn any_accepts(&self, system: &str, features: &[String]) -> bool {
        self.machines.iter().any(|m| m.accepts(system, features))
    }

    /// Takes a slot on the best free machine for the build: the one with
    /// the lowest load for its speed, as Nix picks.
    pub fn reserve(&self, system: &str, features: &[String]) -> Option<usize> {
        let mut state = self.state();
        let now = Instant::now();
        let best = (0..self.machines.len())
            .filter(|&i| {
                let (m, s) = (&self.machines[i], &state[i]);
                m.accepts(system, features) && s.busy < m.max_jobs && s.down_until.is_none_or(|t| t <= now)
            })
            .min_by(|&a, &b| {
                let load = |i: usize| state[i].busy as f64 / self.machines[i].speed_factor as f64;
                load(a).total_cmp(&load(b)).then(self.machines[b].speed_factor.cmp(&self.machines[a].speed_factor))
            })?;
        state[best].busy += 1;
        state[best].down_until = None;
        Some(best)
    }

    pub fn release(&self, i: usize) {
        let mut state = self.state();
        state[i].busy = state[i].busy.saturating_sub(1);
    }

    pub fn mark_down(&self, i: usize) {
        self.state()[i].down_until = Some(Instant::now() + DOWN_FOR);
    }

    /// Is any machine that takes this kind of build up (or back up)?
    pub fn any_up_for(&self, system: &str, features: &[String]) -> bool {
        let state = self.state();
        let now = Instant::now();
        (0..self.machines.len())
            .any(|i| self.machines[i].accepts(system, features) && state[i].down_until.is_none_or(|t| t <= now))
    }
}

/// Why a remote build did not produce its outputs.
pub enum RemoteError {
    /// The machine could not be used (connection refused, died, …): try
    /// elsewhere.
    Unreachable(String),
    /// The build ran there and failed, or its outputs were wrong.
    Failed(String),
}

/// What a remote build needs from the job.
pub struct RemoteJob<'a> {
    pub drv_path: &'a StorePath,
    pub drv: &'a crate::store::Derivation,
    /// Input sources and used outputs of input derivations.
    pub inputs: &'a BTreeSet<StorePath>,
    /// Their closure.
    pub closure: &'a BTreeSet<StorePath>,
    pub outputs: &'a BTreeMap<String, StorePath>,
    pub limits: RemoteBuildLimits,
}

/// The `ssh` command that starts the remote side of `machine`'s protocol:
/// `nix-store --serve --write` for `ssh://`, `nix-daemon --stdio` for
/// `ssh-ng://` (or the URI's `remote-program`, with its `remote-store` as
/// `--store`). `NIX_SSHOPTS` is honoured, as in Nix; with a host key the
/// machine must present exactly that key.
pub fn ssh_command(machine: &Machine, known_hosts: Option<&std::path::Path>) -> Command {
    let (dest, port) = machine.ssh_destination();
    let mut c = Command::new("ssh");
    c.args(["-x", "-a", "-o", "BatchMode=yes", "-o", "ServerAliveInterval=30"]);
    if let Some(port) = port {
        c.arg("-p").arg(port.to_string());
    }
    if let Some(key) = &machine.ssh_key {
        c.arg("-i").arg(key);
    }
    if let Some(file) = known_hosts {
        c.arg("-o").arg(format!("UserKnownHostsFile={}", file.display()));
        c.args(["-o", "StrictHostKeyChecking=yes", "-o", "HostKeyAlias=tern-remote-builder"]);
    }
    if let Ok(opts) = std::env::var("NIX_SSHOPTS") {
        c.args(opts.split_whitespace());
    }
    c.arg(dest);
    let ng = machine.is_ssh_ng();
    let default = if ng { "nix-daemon" } else { "nix-store" };
    c.arg(machine.query_param("remote-program").unwrap_or_else(|| default.into()));
    c.args(if ng { &["--stdio"][..] } else { &["--serve", "--write"][..] });
    if let Some(store) = machine.query_param("remote-store") {
        c.arg("--store").arg(store);
    }
    c
}

/// What both protocols offer for a remote build, with their failures
/// sorted into "try elsewhere" and "failed".
trait Session {
    fn query_valid_paths(&mut self, paths: &[StorePath]) -> Result<Vec<StorePath>, RemoteError>;
    /// Adds objects of this store there, each after its references.
    fn add_paths(&mut self, store: &Store, infos: &[PathInfo]) -> Result<(), RemoteError>;
    /// `Ok(Err(message))`: the build ran and failed.
    fn build(&mut self, job: &RemoteJob<'_>) -> Result<Result<(), String>, RemoteError>;
    fn path_info(&mut self, path: &StorePath) -> Result<PathInfo, RemoteError>;
    /// Streams `path`'s NAR into `take`.
    fn fetch_nar(
        &mut self,
        path: &StorePath,
        take: &mut dyn FnMut(&mut dyn Read) -> std::io::Result<()>,
    ) -> Result<(), RemoteError>;
    fn close(self: Box<Self>);
}

pub(crate) fn dump_nar(store: &Store, info: &PathInfo, w: &mut dyn Write) -> std::io::Result<()> {
    crate::store::nar::dump_path(&store.real_path(&info.path), &mut &mut *w).map_err(std::io::Error::other)
}

impl Session for ServeConnection {
    fn query_valid_paths(&mut self, paths: &[StorePath]) -> Result<Vec<StorePath>, RemoteError> {
        ServeConnection::query_valid_paths(self, paths).map_err(|e| RemoteError::Unreachable(e.0))
    }

    fn add_paths(&mut self, store: &Store, infos: &[PathInfo]) -> Result<(), RemoteError> {
        for info in infos {
            self.add_to_store_nar(info, |w| dump_nar(store, info, w)).map_err(|e| RemoteError::Unreachable(e.0))?;
        }
        Ok(())
    }

    fn build(&mut self, job: &RemoteJob<'_>) -> Result<Result<(), String>, RemoteError> {
        let inputs: Vec<StorePath> = job.inputs.iter().cloned().collect();
        let result = self
            .build_derivation(job.drv_path, job.drv, &inputs, job.limits)
            .map_err(|e| RemoteError::Unreachable(e.0))?;
        Ok(if result.succeeded() { Ok(()) } else { Err(result.error) })
    }

    fn path_info(&mut self, path: &StorePath) -> Result<PathInfo, RemoteError> {
        self.query_path_info(path).map_err(|e| RemoteError::Unreachable(e.0))
    }

    fn fetch_nar(
        &mut self,
        path: &StorePath,
        take: &mut dyn FnMut(&mut dyn Read) -> std::io::Result<()>,
    ) -> Result<(), RemoteError> {
        self.dump_store_path(path, |r| take(r)).map_err(|e| RemoteError::Unreachable(e.0))
    }

    fn close(self: Box<Self>) {
        ServeConnection::close(*self)
    }
}

/// A broken session means "try elsewhere"; a refusal by the daemon is final.
fn worker_error(e: WorkerError) -> RemoteError {
    match e {
        WorkerError::Connection(m) => RemoteError::Unreachable(m),
        WorkerError::Daemon(m) => RemoteError::Failed(without_colours(&m)),
    }
}

impl Session for WorkerConnection {
    fn query_valid_paths(&mut self, paths: &[StorePath]) -> Result<Vec<StorePath>, RemoteError> {
        WorkerConnection::query_valid_paths(self, paths).map_err(worker_error)
    }

    fn add_paths(&mut self, store: &Store, infos: &[PathInfo]) -> Result<(), RemoteError> {
        WorkerConnection::add_paths(self, infos, &mut |info, w| dump_nar(store, info, w)).map_err(worker_error)
    }

    fn build(&mut self, job: &RemoteJob<'_>) -> Result<Result<(), String>, RemoteError> {
        let inputs: Vec<StorePath> = job.inputs.iter().cloned().collect();
        let result = self.build_derivation(job.drv_path, job.drv, &inputs).map_err(worker_error)?;
        Ok(if result.succeeded() { Ok(()) } else { Err(result.error) })
    }

    fn path_info(&mut self, path: &StorePath) -> Result<PathInfo, RemoteError> {
        match self.query_path_info(path).map_err(worker_error)? {
            Some(info) => Ok(info),
            None => Err(RemoteError::Failed(format!("the remote store does not have '{path}' after building it"))),
        }
    }

    fn fetch_nar(
        &mut self,
        path: &StorePath,
        take: &mut dyn FnMut(&mut dyn Read) -> std::io::Result<()>,
    ) -> Result<(), RemoteError> {
        self.nar_from_path(path, |r| take(r)).map_err(worker_error)
    }

    fn close(self: Box<Self>) {
        WorkerConnection::close(*self)
    }
}

/// Opens a session with `machine` in its protocol; ssh's messages and the
/// remote build log go to `log`.
fn open_session(
    machine: &Machine,
    limits: RemoteBuildLimits,
    log: std::fs::File,
    scratch: &std::path::Path,
) -> Result<Box<dyn Session>, RemoteError> {
    let known_hosts = match &machine.host_key {
        Some(key) => {
            let file: PathBuf = scratch.join("known_hosts");
            std::fs::write(&file, format!("tern-remote-builder {key}\n"))
                .map_err(|e| RemoteError::Unreachable(format!("cannot write '{}': {e}", file.display())))?;
            Some(file)
        }
        None => None,
    };
    let mut command = ssh_command(machine, known_hosts.as_deref());
    if !machine.is_ssh_ng() {
        command.stderr(log);
        let conn = ServeConnection::open(command, &machine.uri).map_err(|e| RemoteError::Unreachable(e.0))?;
        return Ok(Box::new(conn));
    }
    let ssh_log = log.try_clone().map_err(|e| RemoteError::Unreachable(format!("cannot share the log: {e}")))?;
    command.stderr(ssh_log);
    let mut conn = WorkerConnection::open_command(command, &machine.uri, Box::new(log)).map_err(worker_error)?;
    let l = limits;
    let opts = SessionOptions {
        max_silent_time: l.max_silent_time,
        build_timeout: l.build_timeout,
        max_log_size: l.max_log_size,
        ..SessionOptions::default()
    };
    conn.set_options(&opts).map_err(worker_error)?;
    Ok(Box::new(conn))
}

/// Builds `job` on `machine`, the session's stderr (ssh's messages and the
/// remote build log) going to `log`.
pub fn build(
    store: &Store,
    machine: &Machine,
    job: &RemoteJob<'_>,
    log: std::fs::File,
    scratch: &std::path::Path,
) -> Result<(), RemoteError> {
    let mut conn = open_session(machine, job.limits, log, scratch)?;

    // Inputs: what the remote store lacks, references first.
    let closure: Vec<StorePath> = job.closure.iter().cloned().collect();
    let there: BTreeSet<StorePath> = conn.query_valid_paths(&closure)?.into_iter().collect();
    let mut missing = Vec::new();
    for path in references_first(store, job.closure).map_err(RemoteError::Failed)? {
        if there.contains(&path) {
            continue;
        }
        let info = store
            .query_info(&path)
            .map_err(|e| RemoteError::Failed(e.to_string()))?
            .ok_or_else(|| RemoteError::Failed(format!("input '{path}' is not valid here")))?;
        missing.push(info);
    }
    conn.add_paths(store, &missing)?;

    if let Err(error) = conn.build(job)? {
        return Err(RemoteError::Failed(format!(
            "build of '{}' on '{}' failed: {}",
            job.drv_path,
            machine.uri,
            without_colours(error.trim_end())
        )));
    }

    // Outputs: each checked against the remote metadata, placed, then all
    // registered at once (they may refer to each other).
    let mut infos: Vec<PathInfo> = Vec::new();
    for path in job.outputs.values() {
        let mut info = conn.path_info(path)?;
        if &info.path != path {
            return Err(RemoteError::Failed(format!(
                "asked about '{path}', the remote store answered '{}'",
                info.path
            )));
        }
        info.deriver = Some(job.drv_path.clone());
        conn.fetch_nar(path, &mut |r| store.place_output_from_nar(&info, r).map_err(std::io::Error::other))?;
        infos.push(info);
    }
    conn.close();
    check_references(store, &infos, job.outputs, &machine.uri)?;
    store.register_valid_paths(&infos).map_err(|e| RemoteError::Failed(e.to_string()))
}

/// Every reference of an output built elsewhere must be valid here or be
/// one of the outputs.
fn check_references(
    store: &Store,
    infos: &[PathInfo],
    outputs: &BTreeMap<String, StorePath>,
    uri: &str,
) -> Result<(), RemoteError> {
    for info in infos {
        for r in &info.references {
            let known = outputs.values().any(|o| o == r) || store.is_valid(r).unwrap_or(false);
            if !known {
                return Err(RemoteError::Failed(format!(
                    "'{}' built on '{uri}' refers to '{r}', which is neither an input nor an output",
                    info.path
                )));
            }
        }
    }
    Ok(())
}

/// CppNix colours its messages for terminals; they end up in ours.
pub(crate) fn without_colours(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters… final byte in @..~
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// `paths` ordered so that every path comes after the ones it refers to.
pub(crate) fn references_first(store: &Store, paths: &BTreeSet<StorePath>) -> Result<Vec<StorePath>, String> {
    let mut order = Vec::new();
    let mut done = BTreeSet::new();
    for start in paths {
        let mut stack = vec![(start.clone(), false)];
        while let Some((p, expanded)) = stack.pop() {
            if expanded {
                order.push(p);
                continue;
            }
            if !done.insert(p.clone()) {
                continue;
            }
            stack.push((p.clone(), true));
            for r in store.references(&p).map_err(|e| e.to_string())? {
                if r != p && !done.contains(&r) && paths.contains(&r) {
                    stack.push((r, false));
                }
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_dropped() {
        assert_eq!(without_colours("Cannot build '\x1b[35;1m/nix/store/x\x1b[0m'."), "Cannot build '/nix/store/x'.");
    }

    #[test]
    fn the_least_loaded_fastest_machine_is_chosen() {
        let m = |uri: &str, jobs, speed| Machine {
            uri: uri.into(),
            systems: vec!["x86_64-linux".into()],
            ssh_key: None,
            max_jobs: jobs,
            speed_factor: speed,
            supported_features: vec![],
            mandatory_features: vec![],
            host_key: None,
        };
        let b = Builders::new(vec![m("ssh://slow", 2, 1), m("ssh://fast", 1, 4)]);
        assert_eq!(b.reserve("x86_64-linux", &[]), Some(1));
        assert_eq!(b.reserve("x86_64-linux", &[]), Some(0), "the fast one is full");
        b.mark_down(0);
        assert_eq!(b.reserve("x86_64-linux", &[]), None, "down, or full");
        assert!(!b.any_up_for("aarch64-linux", &[]));
        b.release(1);
        assert_eq!(b.reserve("x86_64-linux", &[]), Some(1));
    }
}
