//! Running the plan: every derivation after the ones it needs, at most
//! `max_jobs` at once here, plus as many as the remote builders' slots take
//! (a job goes to a free remote builder that accepts it first, as with
//! Nix's build hook, unless it prefers a local build; `--check` and
//! builtin builders always run here).
//!
//! The calling thread schedules; each job runs on a thread of its own
//! (builds spend their time in a child process, and the output scan and
//! registration after it are parallel work too) and reports back over a
//! channel. A job whose dependencies are all done becomes ready; ready
//! jobs start in plan order while there is a free slot.
//!
//! When a job fails, everything depending on it is abandoned. Without
//! `--keep-going` the running builders are killed and nothing new starts
//! (CppNix does the same); with it, unrelated jobs go on. An interrupt
//! (see `signals`) kills every builder; the jobs then remove what their
//! builders left, release their locks and report, and only then does
//! `realise` return — so a Ctrl-C leaves the store as consistent as a
//! completed run. The scheduler wakes every 100 ms to notice interrupts.

use std::collections::{BTreeMap, VecDeque};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use super::closure::Closures;
use super::job::{self, BuildFailure, FailureKind, Job, JobContext, Outcome, Running};
use super::plan::{NodeState, Plan};
use super::platform::Runner;
use super::progress::Progress;
use super::remote::Builders;
use super::sandbox::Sandbox;
use super::{signals, BuildOptions};
use crate::store::Store;

/// What happened to each job.
pub(crate) struct RunResult {
    pub failures: Vec<BuildFailure>,
    /// Node index → failed or abandoned.
    pub not_done: BTreeMap<usize, String>,
    pub interrupted: bool,
}

pub(crate) fn run(
    store: &Store,
    plan: &Plan,
    runners: &BTreeMap<usize, Runner>,
    opts: &BuildOptions,
    sandbox: &Sandbox,
    progress: &Arc<Progress>,
) -> RunResult {
    let jobs = plan.jobs();
    let mut waiting: BTreeMap<usize, usize> = jobs.iter().map(|&i| (i, plan.nodes[i].deps.len())).collect();
    let mut dependents: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in &jobs {
        for &d in &plan.nodes[i].deps {
            dependents.entry(d).or_default().push(i);
        }
    }
    let mut ready: VecDeque<usize> = jobs.iter().copied().filter(|i| waiting[i] == 0).collect();
    let running = Running::new(sandbox.pid_namespaces());
    let closures = Closures::default();
    let builders = Builders::new(opts.builders.clone());
    let cx = JobContext { store, opts, sandbox, running: &running, progress, closures: &closures, builders: &builders };
    let mut result = RunResult { failures: Vec::new(), not_done: BTreeMap::new(), interrupted: false };
    // Builtin builders run here even with `--max-jobs 0`, as in CppNix.
    let max_local = opts.max_jobs.max(1);

    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, bool, Result<Outcome, BuildFailure>)>();
        let mut active = 0usize;
        let mut local_active = 0usize;
        let mut stopping = false;
        loop {
            if signals::interrupted() && !result.interrupted {
                result.interrupted = true;
                stopping = true;
                running.stop_all();
            }
            // Start ready jobs in order while one has a place: a free remote
            // builder that takes it, else a local slot.
            let mut deferred = VecDeque::new();
            while !stopping {
                let Some(i) = ready.pop_front() else { break };
                let node = &plan.nodes[i];
                let check = node.state == NodeState::Check;
                let placement = place(&builders, node, runners.get(&i), check, local_active < max_local, opts);
                let remote = match placement {
                    Placement::Remote(m) => Some(m),
                    Placement::Local => None,
                    Placement::Wait => {
                        deferred.push_back(i);
                        continue;
                    }
                    Placement::Impossible(why) => {
                        let f =
                            BuildFailure { drv_path: node.drv_path.clone(), kind: FailureKind::Setup, message: why };
                        abandon(plan, &dependents, i, &mut result.not_done);
                        result.not_done.insert(i, f.message.clone());
                        result.failures.push(f);
                        if !opts.keep_going {
                            stopping = true;
                            running.stop_all();
                        }
                        continue;
                    }
                };
                let local = remote.is_none();
                if local {
                    local_active += 1;
                }
                let job = Job {
                    drv_path: node.drv_path.clone(),
                    drv: node.drv.clone(),
                    runner: runners.get(&i).cloned().unwrap_or(Runner::Direct),
                    local_possible: runners.contains_key(&i),
                    inputs: node.inputs.clone(),
                    check,
                    remote,
                };
                let tx = tx.clone();
                let cx = &cx;
                active += 1;
                scope.spawn(move || {
                    // A panic must still be reported, or the scheduler would wait forever.
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job::run(cx, &job)))
                        .unwrap_or_else(|_| {
                            Err(BuildFailure {
                                drv_path: job.drv_path.clone(),
                                kind: FailureKind::Setup,
                                message: format!(
                                    "internal error while building '{}' (see the panic above)",
                                    job.drv_path
                                ),
                            })
                        });
                    let _ = tx.send((i, local, r));
                });
            }
            deferred.extend(ready.drain(..));
            ready = deferred;
            if active == 0 {
                break;
            }
            if stopping {
                running.stop_all();
            }
            let (i, local, r) = match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(m) => m,
                Err(_) => continue,
            };
            active -= 1;
            if local {
                local_active -= 1;
            }
            match r {
                Ok(_) => {
                    for &d in dependents.get(&i).map(Vec::as_slice).unwrap_or(&[]) {
                        let w = waiting.get_mut(&d).expect("dependent is a job");
                        *w -= 1;
                        if *w == 0 {
                            ready.push_back(d);
                        }
                    }
                }
                Err(f) => {
                    abandon(plan, &dependents, i, &mut result.not_done);
                    result.not_done.insert(i, f.message.clone());
                    if f.kind != FailureKind::Cancelled {
                        result.failures.push(f);
                    }
                    if !opts.keep_going && !stopping {
                        stopping = true;
                        running.stop_all();
                    }
                }
            }
        }
    });
    // Jobs never started (stopped early) count as not done.
    for i in jobs {
        if waiting.get(&i).is_some_and(|w| *w > 0) || ready.contains(&i) {
            result.not_done.entry(i).or_insert_with(|| "not built".into());
        }
    }
    result
}

/// Where a ready job can run now.
enum Placement {
    /// On this remote builder (a slot is reserved).
    Remote(usize),
    Local,
    /// Nowhere free yet.
    Wait,
    Impossible(String),
}

fn place(
    builders: &Builders,
    node: &super::plan::Node,
    runner: Option<&Runner>,
    check: bool,
    local_free: bool,
    opts: &BuildOptions,
) -> Placement {
    let drv = &node.drv;
    let builtin = drv.builder.starts_with(b"builtin:");
    let prefer_local = drv.env_get("preferLocalBuild").is_some_and(|v| v == b"1");
    // `--check` compares with the outputs here, so it rebuilds here.
    let keep_here = prefer_local && runner.is_some() && opts.max_jobs > 0;
    let try_remote = !(builtin || check || builders.is_empty() || keep_here);
    if try_remote {
        let system = String::from_utf8_lossy(&drv.platform);
        let features: Vec<String> =
            super::drvattrs::DrvAttrs::new(drv).ok().and_then(|a| a.list("requiredSystemFeatures")).unwrap_or_default();
        if let Some(m) = builders.reserve(&system, &features) {
            return Placement::Remote(m);
        }
        if runner.is_none() && !builders.any_up_for(&system, &features) {
            return Placement::Impossible(format!(
                "cannot build '{}': every remote builder for '{system}' is down, and it cannot be built here",
                node.drv_path
            ));
        }
    }
    match runner {
        Some(_) if local_free => Placement::Local,
        Some(_) => Placement::Wait,
        None if builders.is_empty() => Placement::Impossible(format!("cannot build '{}' here", node.drv_path)),
        None => Placement::Wait,
    }
}

/// Marks everything that depends on `failed` as not done.
fn abandon(
    plan: &Plan,
    dependents: &BTreeMap<usize, Vec<usize>>,
    failed: usize,
    not_done: &mut BTreeMap<usize, String>,
) {
    let mut todo = vec![failed];
    while let Some(i) = todo.pop() {
        for &d in dependents.get(&i).map(Vec::as_slice).unwrap_or(&[]) {
            if let std::collections::btree_map::Entry::Vacant(e) = not_done.entry(d) {
                e.insert(format!("dependency '{}' failed", plan.nodes[i].drv_path));
                todo.push(d);
            }
        }
    }
}
