//! Running the plan: every derivation after the ones it needs, at most
//! `max_jobs` at once.
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
    let cx = JobContext { store, opts, sandbox, running: &running, progress, closures: &closures };
    let mut result = RunResult { failures: Vec::new(), not_done: BTreeMap::new(), interrupted: false };
    let max_jobs = opts.max_jobs.max(1);

    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, Result<Outcome, BuildFailure>)>();
        let mut active = 0usize;
        let mut stopping = false;
        loop {
            if signals::interrupted() && !result.interrupted {
                result.interrupted = true;
                stopping = true;
                running.stop_all();
            }
            while !stopping && active < max_jobs {
                let Some(i) = ready.pop_front() else { break };
                let node = &plan.nodes[i];
                let job = Job {
                    drv_path: node.drv_path.clone(),
                    drv: node.drv.clone(),
                    runner: runners.get(&i).cloned().unwrap_or(Runner::Direct),
                    inputs: node.inputs.clone(),
                    check: node.state == NodeState::Check,
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
                    let _ = tx.send((i, r));
                });
            }
            if active == 0 {
                break;
            }
            if stopping {
                running.stop_all();
            }
            let (i, r) = match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(m) => m,
                Err(_) => continue,
            };
            active -= 1;
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
