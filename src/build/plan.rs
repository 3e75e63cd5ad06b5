//! What must be built: the graph of derivations between the requested ones
//! and outputs that are already valid.
//!
//! Starting from the requests, each derivation is read and the outputs
//! wanted from it (by the requests and by the derivations that use it) are
//! checked: if all are valid it is not built and its inputs are not even
//! read — a valid output needs nothing else. Otherwise it is marked for
//! building and its input derivations are visited with the outputs it
//! uses. A derivation can become needed after first looking done (a later
//! user wants an output that is missing), so wanted sets only grow and a
//! node is re-examined when they do. The walk uses an explicit work list,
//! so deep chains cannot overflow the stack.
//!
//! With `--check`, requested derivations whose outputs are all valid are
//! rebuilt for comparison instead (their inputs must be valid); one with an
//! output not yet valid is refused, as CppNix does, since nothing is there to
//! compare with.
//!
//! A requested `.drv` that tern's store lacks but CppNix's `/nix/store`
//! has (e.g. from `nix-instantiate`) is copied over with its closure first
//! (`import`), so `tern build $(nix-instantiate …)` works.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::import::HostStore;
use super::{BuildError, BuildOptions, BuildRequest, OutputSpec};
use crate::store::{Derivation, Store, StorePath};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeState {
    /// Every wanted output is valid.
    Valid,
    /// Must be built.
    Build,
    /// Valid, but rebuilt for `--check`.
    Check,
}

pub(crate) struct Node {
    pub drv_path: StorePath,
    pub drv: Arc<Derivation>,
    pub wanted: BTreeSet<String>,
    pub state: NodeState,
    /// Requested with `--check`.
    check: bool,
    /// Nodes (indices) that must be built before this one.
    pub deps: BTreeSet<usize>,
    /// Input sources and the used outputs of input derivations.
    pub inputs: BTreeSet<StorePath>,
}

pub(crate) struct Plan {
    pub nodes: Vec<Node>,
    /// Node index of each request, in request order.
    pub roots: Vec<usize>,
}

impl Plan {
    /// Indices of the nodes to build or check, in a stable order.
    pub(crate) fn jobs(&self) -> Vec<usize> {
        (0..self.nodes.len()).filter(|&i| self.nodes[i].state != NodeState::Valid).collect()
    }
}

struct Planner<'a> {
    store: &'a Store,
    host: Option<HostStore>,
    host_tried: bool,
    import_from: Option<std::path::PathBuf>,
    nodes: Vec<Node>,
    index: HashMap<StorePath, usize>,
    imported: usize,
    /// Binary caches to substitute missing outputs from before building them.
    subst: crate::fetch::binary_cache::Substituters,
}

impl Planner<'_> {
    /// Copies `drv_path`'s closure from CppNix's store, if that has it.
    fn import(&mut self, drv_path: &StorePath) -> Result<bool, BuildError> {
        if !self.host_tried {
            self.host_tried = true;
            if let Some(root) = &self.import_from {
                if std::fs::canonicalize(root).ok().as_deref() != Some(self.store.root()) {
                    self.host = HostStore::open(root);
                }
            }
        }
        let Some(host) = &self.host else { return Ok(false) };
        if !host.has(drv_path) {
            return Ok(false);
        }
        self.imported += host.import_closure(self.store, std::slice::from_ref(drv_path)).map_err(BuildError::Other)?;
        Ok(true)
    }

    /// Whether a binary cache supplied `path` (a failure is a warning: the path is built).
    fn substitute(&self, path: &StorePath) -> bool {
        if self.subst.urls.is_empty() {
            return false;
        }
        match self.subst.substitute(self.store, path) {
            Ok(got) => got,
            Err(e) => {
                eprintln!("warning: cannot substitute '{path}' ({e}); building it instead");
                false
            }
        }
    }

    fn load(&mut self, drv_path: &StorePath) -> Result<usize, BuildError> {
        if let Some(&i) = self.index.get(drv_path) {
            return Ok(i);
        }
        let valid = self.store.is_valid(drv_path).map_err(|e| BuildError::Other(e.to_string()))?;
        if !valid && !self.import(drv_path)? {
            return Err(BuildError::Other(format!(
                "path '{drv_path}' is not valid in the store at '{}' (and CppNix's store does not have it either)",
                self.store.root().display()
            )));
        }
        let drv = self.store.read_derivation(drv_path).map_err(|e| BuildError::Other(e.to_string()))?;
        let i = self.nodes.len();
        self.nodes.push(Node {
            drv_path: drv_path.clone(),
            drv: Arc::new(drv),
            wanted: BTreeSet::new(),
            state: NodeState::Valid,
            check: false,
            deps: BTreeSet::new(),
            inputs: BTreeSet::new(),
        });
        self.index.insert(drv_path.clone(), i);
        Ok(i)
    }

    fn all_valid(&self, i: usize) -> Result<bool, BuildError> {
        let n = &self.nodes[i];
        for o in &n.wanted {
            let Some(out) = n.drv.outputs.get(o) else {
                return Err(BuildError::Other(format!(
                    "derivation '{}' does not have an output named '{o}'",
                    n.drv_path
                )));
            };
            let p = StorePath::parse(&out.path).map_err(|e| BuildError::Other(e.to_string()))?;
            if !self.store.is_valid(&p).map_err(|e| BuildError::Other(e.to_string()))? && !self.substitute(&p) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Visits `drv_path` wanting `outputs` (all when `None`).
    fn visit(&mut self, start: (StorePath, Option<BTreeSet<String>>)) -> Result<usize, BuildError> {
        let root = self.load(&start.0)?;
        let mut todo = vec![start];
        while let Some((path, outs)) = todo.pop() {
            let i = self.load(&path)?;
            let outs = outs.unwrap_or_else(|| self.nodes[i].drv.outputs.keys().cloned().collect());
            let grew = outs.iter().any(|o| !self.nodes[i].wanted.contains(o));
            self.nodes[i].wanted.extend(outs);
            if self.nodes[i].state == NodeState::Build || (!grew && self.nodes[i].state == NodeState::Check) {
                continue;
            }
            if self.all_valid(i)? {
                if self.nodes[i].check {
                    self.nodes[i].state = NodeState::Check;
                }
                continue;
            }
            if self.nodes[i].check {
                // As in CppNix: there is nothing to compare a first build with.
                return Err(BuildError::Other(format!(
                    "some outputs of '{path}' are not valid, so checking is not possible\n\
                     Hint: --rebuild and --check error if the derivation was not previously built and cannot be \
                     substituted.\n      Remove it to perform a fresh build, or use --repair to rewrite missing or \
                     corrupted builds in the store."
                )));
            }
            self.nodes[i].state = NodeState::Build;
            for (input, used) in self.nodes[i].drv.input_drvs.iter().rev() {
                let p = StorePath::parse(input).map_err(|e| BuildError::Other(e.to_string()))?;
                todo.push((p, Some(used.clone())));
            }
        }
        Ok(root)
    }

    /// Dependencies and input paths of the nodes to build.
    fn link(&mut self) -> Result<(), BuildError> {
        for i in 0..self.nodes.len() {
            if self.nodes[i].state == NodeState::Valid {
                continue;
            }
            let drv = self.nodes[i].drv.clone();
            let mut deps = BTreeSet::new();
            let mut inputs = BTreeSet::new();
            for src in &drv.input_srcs {
                let p = StorePath::parse(src).map_err(|e| BuildError::Other(e.to_string()))?;
                if !self.store.is_valid(&p).map_err(|e| BuildError::Other(e.to_string()))? {
                    return Err(BuildError::Other(format!(
                        "input source '{p}' of '{}' is not valid in the store",
                        self.nodes[i].drv_path
                    )));
                }
                inputs.insert(p);
            }
            for (input, used) in &drv.input_drvs {
                let p = StorePath::parse(input).map_err(|e| BuildError::Other(e.to_string()))?;
                let j = self.load(&p)?;
                if self.nodes[j].state == NodeState::Build {
                    deps.insert(j);
                }
                for o in used {
                    let out = self.nodes[j].drv.outputs.get(o).ok_or_else(|| {
                        BuildError::Other(format!(
                            "derivation '{}' uses output '{o}' of '{p}', which has no such output",
                            self.nodes[i].drv_path
                        ))
                    })?;
                    inputs.insert(StorePath::parse(&out.path).map_err(|e| BuildError::Other(e.to_string()))?);
                }
            }
            self.nodes[i].deps = deps;
            self.nodes[i].inputs = inputs;
        }
        Ok(())
    }
}

/// Works out what to build for `requests`. Returns the plan and the number
/// of paths copied from CppNix's store.
pub(crate) fn make(store: &Store, requests: &[BuildRequest], opts: &BuildOptions) -> Result<(Plan, usize), BuildError> {
    let mut p = Planner {
        store,
        host: None,
        host_tried: false,
        import_from: opts.import_from.clone(),
        nodes: Vec::new(),
        index: HashMap::new(),
        imported: 0,
        subst: if opts.dry_run {
            crate::fetch::binary_cache::Substituters::default()
        } else {
            crate::fetch::binary_cache::Substituters::from_settings()
        },
    };
    // Load the roots first so `--check` is known before anything is visited.
    let mut roots = Vec::new();
    for r in requests {
        let i = p.load(&r.drv_path)?;
        if opts.check {
            p.nodes[i].check = true;
        }
        roots.push(i);
    }
    for r in requests {
        let outs = match &r.outputs {
            OutputSpec::All => None,
            OutputSpec::Names(n) => Some(n.clone()),
        };
        p.visit((r.drv_path.clone(), outs))?;
    }
    p.link()?;
    Ok((Plan { nodes: p.nodes, roots }, p.imported))
}

/// The outputs a request asked for, name → path.
pub(crate) fn requested_outputs(node: &Node, spec: &OutputSpec) -> Result<BTreeMap<String, StorePath>, BuildError> {
    let mut out = BTreeMap::new();
    for (name, o) in &node.drv.outputs {
        if let OutputSpec::Names(n) = spec {
            if !n.contains(name) {
                continue;
            }
        }
        out.insert(name.clone(), StorePath::parse(&o.path).map_err(|e| BuildError::Other(e.to_string()))?);
    }
    Ok(out)
}
