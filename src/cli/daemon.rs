//! `--store daemon` / `--store unix://…` for the commands that touch a
//! store: tern evaluates (into its staging store), a running CppNix daemon
//! builds into its own store (`build::remote::daemon`).
//!
//! `tern build` copies the closure of the requested `.drv` files there,
//! asks the daemon to build their outputs, prints the output paths (the
//! daemon's, under `/nix/store`) and links `result` to them, registering
//! each link as an indirect GC root of the daemon's store. `tern
//! instantiate` copies the `.drv` closures so the printed paths are valid
//! there; `tern path-info` asks the daemon.
//!
//! A failed build is reported once: the daemon's message for the
//! derivation whose builder failed, and a line per requested derivation
//! that was not built because of it; the exit status is CppNix's (100 for a
//! failed builder).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::build::{make_link, print_error, Installable};
use crate::build::remote::daemon::{exit_code, DaemonStore, MODE_CHECK, MODE_NORMAL};
use crate::build::remote::worker::SessionOptions;
use crate::build::{BuildOptions, OutputSpec};
use crate::store::{Store, StorePath};

/// How `tern build` runs against a daemon.
pub struct DaemonBuild<'a> {
    pub socket: &'a Path,
    pub store: &'a Store,
    pub opts: &'a BuildOptions,
    pub link_base: String,
    pub no_link: bool,
}

/// Opens a session, the build log going to stderr with `-L`.
pub fn connect(socket: &Path, opts: Option<&BuildOptions>) -> Result<DaemonStore, String> {
    let log: Box<dyn Write + Send> = match opts {
        Some(o) if o.print_build_logs => Box::new(std::io::stderr()),
        _ => Box::new(std::io::sink()),
    };
    let session = match opts {
        Some(o) => SessionOptions {
            max_jobs: o.max_jobs.max(1) as u64,
            keep_going: o.keep_going,
            keep_failed: o.keep_failed,
            use_substitutes: true,
            max_log_size: o.max_build_log_size.unwrap_or(0),
            ..SessionOptions::default()
        },
        None => SessionOptions { use_substitutes: true, ..SessionOptions::default() },
    };
    DaemonStore::connect(socket, log, &session)
}

impl DaemonBuild<'_> {
    pub(super) fn run(&self, installables: &[Installable]) -> i32 {
        match self.try_run(installables) {
            Ok(code) => code,
            Err(e) => {
                print_error(&e);
                1
            }
        }
    }

    fn try_run(&self, installables: &[Installable]) -> Result<i32, String> {
        let mut daemon = connect(self.socket, Some(self.opts))?;
        // The derivations this store has go there first; one only the
        // daemon has is built as it is.
        let mut local = Vec::new();
        for i in installables {
            if let Installable::Drv(r) = i {
                if self.store.is_valid(&r.drv_path).map_err(|e| e.to_string())? {
                    local.push(r.drv_path.clone());
                }
            }
        }
        daemon.copy_closure(self.store, &local)?;

        // The outputs wanted of each derivation, as the daemon knows them.
        let mut requests: Vec<(StorePath, Vec<String>)> = Vec::new();
        for i in installables {
            match i {
                Installable::Drv(r) => {
                    let map = daemon.output_map(&r.drv_path)?;
                    if map.is_empty() {
                        return Err(format!("the Nix daemon's store has no derivation '{}'", r.drv_path));
                    }
                    let names: Vec<String> = match &r.outputs {
                        OutputSpec::All => map.keys().cloned().collect(),
                        OutputSpec::Names(n) => {
                            if let Some(bad) = n.iter().find(|o| !map.contains_key(*o)) {
                                return Err(format!("derivation '{}' has no output '{bad}'", r.drv_path));
                            }
                            n.iter().cloned().collect()
                        }
                    };
                    requests.push((r.drv_path.clone(), names));
                }
                Installable::Path(p) => {
                    if daemon.valid_paths(std::slice::from_ref(p))?.is_empty() {
                        return Err(format!(
                            "path '{p}' is not valid in the Nix daemon's store, and only derivations ('.drv' paths) \
                             can be built"
                        ));
                    }
                }
            }
        }

        if self.opts.dry_run {
            return self.dry_run(daemon, &requests);
        }
        let mode = if self.opts.check { MODE_CHECK } else { MODE_NORMAL };
        let outcomes = if requests.is_empty() { Vec::new() } else { daemon.build(&requests, mode)? };
        let failed: Vec<_> = outcomes.iter().filter(|o| !o.result.succeeded()).collect();
        if !failed.is_empty() {
            // The daemon has already shown the failing builder's message as
            // it happened; a derivation that failed only through a
            // dependency gets one line.
            for o in &failed {
                if o.dependency_failed() {
                    print_error(&format!("'{}' was not built: a dependency failed to build", o.drv_path));
                } else if !o.result.error.is_empty() && !daemon.already_said(&o.result.error) {
                    print_error(&crate::build::remote::without_colours(&o.result.error));
                }
            }
            return Ok(exit_code(&failed));
        }

        let mut stdout = String::new();
        let mut request = requests.iter();
        for (k, inst) in installables.iter().enumerate() {
            let outputs: Vec<(String, StorePath)> = match inst {
                Installable::Drv(_) => {
                    let (drv, names) = request.next().ok_or("a build request went missing")?;
                    let map = daemon.output_map(drv)?;
                    let mut outs = Vec::new();
                    for n in names {
                        let p = map.get(n).cloned().flatten();
                        outs.push((n.clone(), p.ok_or(format!("the daemon built '{drv}' but knows no output '{n}'"))?));
                    }
                    outs.sort_by_key(|(n, _)| (n != "out", n.clone()));
                    outs
                }
                Installable::Path(p) => vec![("out".to_string(), p.clone())],
            };
            for (name, path) in outputs {
                stdout.push_str(&format!("{path}\n"));
                if self.no_link {
                    continue;
                }
                let mut link = self.link_base.clone();
                if k > 0 {
                    link.push_str(&format!("-{}", k + 1));
                }
                if name != "out" {
                    link.push_str(&format!("-{name}"));
                }
                if let Err(e) = self.link(&mut daemon, &PathBuf::from(&link), &path) {
                    print!("{stdout}");
                    return Err(e);
                }
            }
        }
        print!("{stdout}");
        daemon.close();
        Ok(0)
    }

    /// `result` points at the daemon's store path and is an indirect GC
    /// root there, as `nix-build -o` makes it.
    fn link(&self, daemon: &mut DaemonStore, link: &Path, path: &StorePath) -> Result<(), String> {
        make_link(link, Path::new(&path.to_absolute()))?;
        let absolute = std::path::absolute(link).map_err(|e| format!("cannot resolve '{}': {e}", link.display()))?;
        daemon
            .add_indirect_root(&absolute)
            .map_err(|e| format!("the Nix daemon did not register '{}' as a GC root: {e}", absolute.display()))
    }

    fn dry_run(&self, mut daemon: DaemonStore, requests: &[(StorePath, Vec<String>)]) -> Result<i32, String> {
        let mut missing = Vec::new();
        for (drv, names) in requests {
            let map = daemon.output_map(drv)?;
            let paths: Vec<StorePath> = names.iter().filter_map(|n| map.get(n).cloned().flatten()).collect();
            if daemon.valid_paths(&paths)?.len() < names.len() {
                missing.push(drv);
            }
        }
        if !missing.is_empty() {
            eprintln!("the Nix daemon would build (or substitute) the outputs of:");
            for d in missing {
                eprintln!("  {d}");
            }
        }
        daemon.close();
        Ok(0)
    }
}

/// `tern instantiate --store daemon`: the `.drv` closures go to the
/// daemon, so the printed paths are valid there.
pub fn copy_derivations(socket: &Path, store: &Store, drvs: &[StorePath]) -> Result<(), String> {
    let mut daemon = connect(socket, None)?;
    daemon.copy_closure(store, drvs)?;
    daemon.close();
    Ok(())
}
