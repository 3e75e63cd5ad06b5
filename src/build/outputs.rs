//! What happens to a builder's outputs after it exits 0 (store.md §7.3–7.5):
//! every output must exist; each is canonicalised (0444/0555, mtime 1);
//! a fixed output must hash to the declared hash (flat: a regular,
//! non-executable file); each output's NAR is streamed once through the
//! hasher and the reference scanner; `allowedReferences` & co. are
//! enforced; then all outputs are registered in **one** database
//! transaction, so a derivation's outputs become valid together or not at
//! all.
//!
//! Nothing here deletes anything: on error the caller removes the outputs
//! (they are invalid, and it holds their locks).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::drvattrs::DrvAttrs;
use super::refscan::{RefScanner, Tee};
use crate::store::hash::{hash_file, Hasher};
use crate::store::{
    canonicalise, nar, unshare_hard_links, ContentAddress, Derivation, FileIngestionMethod, FixedOutputHash, Hash,
    HashAlgo, PathInfo, Store, StorePath,
};

/// Why the outputs were not accepted.
#[derive(Debug)]
pub(crate) enum OutputError {
    /// A fixed output hashed to something else (exit status bit 2).
    HashMismatch(String),
    Other(String),
}

/// NAR hash, size and references of one output.
pub(crate) struct Scanned {
    pub nar_hash: Hash,
    pub nar_size: u64,
    pub references: BTreeSet<StorePath>,
}

/// Streams the NAR of `physical` through the hasher and the scanner.
pub(crate) fn scan(physical: &Path, candidates: &[StorePath]) -> Result<Scanned, String> {
    let mut hasher = Hasher::new(HashAlgo::Sha256);
    let mut scanner = RefScanner::new(candidates.iter().map(|p| p.hash_part()));
    nar::dump_path(physical, &mut Tee(&mut hasher, &mut scanner)).map_err(|e| e.to_string())?;
    let references = scanner.found().map(|i| candidates[i].clone()).collect();
    let nar_size = hasher.len();
    Ok(Scanned { nar_hash: hasher.finish(), nar_size, references })
}

/// The hash of a fixed output in the declared method and algorithm.
fn fixed_hash(physical: &Path, expected: &FixedOutputHash, drv_path: &StorePath) -> Result<Hash, OutputError> {
    let algo = expected.hash.algo();
    match expected.method {
        FileIngestionMethod::Flat => {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::symlink_metadata(physical).map_err(|e| OutputError::Other(e.to_string()))?;
            if !meta.is_file() || meta.permissions().mode() & 0o100 != 0 {
                return Err(OutputError::Other(format!(
                    "output path of fixed-output derivation '{drv_path}' must be a regular, non-executable file \
                     (its hash mode is flat)"
                )));
            }
            hash_file(algo, physical).map_err(|e| OutputError::Other(e.to_string()))
        }
        FileIngestionMethod::Recursive => {
            nar::hash_path(algo, physical).map(|(h, _)| h).map_err(|e| OutputError::Other(e.to_string()))
        }
    }
}

/// CppNix's mismatch text, with the nix32 forms as well.
pub(crate) fn mismatch_message(drv_path: &StorePath, wanted: &Hash, got: &Hash) -> String {
    let n32 = |h: &Hash| format!("{}:{}", h.algo(), h.to_nix32());
    format!(
        "hash mismatch in fixed-output derivation '{drv_path}':\n  specified: {} ({})\n     got:    {} ({})",
        wanted.to_sri(),
        n32(wanted),
        got.to_sri(),
        n32(got)
    )
}

/// Checks, canonicalises, scans and registers the outputs of `drv`, which
/// the builder left at `store.real_path(output)`, or in `staging` (an
/// isolated build's `/nix/store`), from where they are moved into the
/// store once accepted. `input_closure` is the closure of the
/// derivation's inputs (the reference candidates besides the outputs
/// themselves).
pub(crate) fn register_outputs(
    store: &Store,
    drv_path: &StorePath,
    drv: &Derivation,
    attrs: &DrvAttrs<'_>,
    input_closure: &BTreeSet<StorePath>,
    staging: Option<&Path>,
) -> Result<Vec<PathInfo>, OutputError> {
    let other = |e: String| OutputError::Other(e);
    let outputs = output_paths(drv).map_err(other)?;
    let physical = |p: &StorePath| match staging {
        Some(dir) => dir.join(p.base_name()),
        None => store.real_path(p),
    };
    let infos = process_outputs(store, drv_path, drv, attrs, input_closure, &outputs, physical)?;
    if staging.is_some() {
        for path in outputs.values() {
            store.adopt_output(path, &physical(path)).map_err(|e| other(e.to_string()))?;
        }
    }
    store.register_valid_paths(&infos).map_err(|e| other(e.to_string()))?;
    Ok(infos)
}

/// Output name → store path.
pub(crate) fn output_paths(drv: &Derivation) -> Result<BTreeMap<String, StorePath>, String> {
    drv.outputs.iter().map(|(n, o)| Ok((n.clone(), StorePath::parse(&o.path).map_err(|e| e.to_string())?))).collect()
}

/// The steps before registration; `physical` says where each output is.
pub(crate) fn process_outputs(
    store: &Store,
    drv_path: &StorePath,
    drv: &Derivation,
    attrs: &DrvAttrs<'_>,
    input_closure: &BTreeSet<StorePath>,
    outputs: &BTreeMap<String, StorePath>,
    physical: impl Fn(&StorePath) -> std::path::PathBuf,
) -> Result<Vec<PathInfo>, OutputError> {
    let other = |e: String| OutputError::Other(e);
    for (name, path) in outputs {
        if std::fs::symlink_metadata(physical(path)).is_err() {
            return Err(other(format!(
                "builder for '{drv_path}' failed to produce output path for output '{name}' at '{path}'"
            )));
        }
    }
    // Before any metadata changes: a file also linked from outside the
    // outputs (a host file a builder hard-linked in) gets its own copy, so
    // canonicalising never touches the outside file.
    let roots: Vec<_> = outputs.values().map(&physical).collect();
    unshare_hard_links(&roots).map_err(|e| other(format!("while checking the outputs of '{drv_path}': {e}")))?;
    for path in outputs.values() {
        let real = physical(path);
        canonicalise(&real).map_err(|e| other(format!("while canonicalising output '{path}': {e}")))?;
    }
    let mut candidates: Vec<StorePath> = input_closure.iter().cloned().collect();
    candidates.extend(outputs.values().cloned());
    candidates.sort();
    candidates.dedup();

    let mut infos = Vec::new();
    for path in outputs.values() {
        let real = physical(path);
        let mut ca = None;
        if let Some(expected) = drv.fixed_output() {
            let got = fixed_hash(&real, expected, drv_path)?;
            if got != expected.hash {
                return Err(OutputError::HashMismatch(mismatch_message(drv_path, &expected.hash, &got)));
            }
            ca = Some(ContentAddress::Fixed(expected.clone()));
        }
        let s = scan(&real, &candidates).map_err(other)?;
        if ca.is_some() && !s.references.is_empty() {
            let first = s.references.iter().next().map(|p| p.to_string()).unwrap_or_default();
            return Err(other(format!(
                "the output of fixed-output derivation '{drv_path}' must not refer to store paths, but it refers to \
                 '{first}'"
            )));
        }
        infos.push(PathInfo {
            path: path.clone(),
            nar_hash: s.nar_hash,
            nar_size: s.nar_size,
            references: s.references,
            deriver: Some(drv_path.clone()),
            ca,
            registration_time: 0,
        });
    }
    check_output_cycles(drv_path, outputs, &infos).map_err(other)?;
    check_reference_rules(store, drv_path, attrs, outputs, &infos).map_err(other)?;
    Ok(infos)
}

/// Outputs may refer to themselves, and to each other only without a
/// cycle (they must be registrable in some order). Same search order and
/// message as CppNix's `topoSort` over output names.
fn check_output_cycles(
    drv_path: &StorePath,
    outputs: &BTreeMap<String, StorePath>,
    infos: &[PathInfo],
) -> Result<(), String> {
    let name_of: BTreeMap<&StorePath, &String> = outputs.iter().map(|(n, p)| (p, n)).collect();
    let edges: BTreeMap<&String, BTreeSet<&String>> = infos
        .iter()
        .map(|i| (name_of[&i.path], i.references.iter().filter_map(|r| name_of.get(r).copied()).collect()))
        .collect();
    fn visit<'a>(
        n: &'a String,
        parent: Option<&'a String>,
        edges: &BTreeMap<&'a String, BTreeSet<&'a String>>,
        visited: &mut BTreeSet<&'a String>,
        parents: &mut BTreeSet<&'a String>,
    ) -> Result<(), (String, String)> {
        if parents.contains(n) {
            return Err((n.clone(), parent.cloned().unwrap_or_default()));
        }
        if !visited.insert(n) {
            return Ok(());
        }
        parents.insert(n);
        for r in edges.get(n).into_iter().flatten() {
            if *r != n {
                visit(r, Some(n), edges, visited, parents)?;
            }
        }
        parents.remove(n);
        Ok(())
    }
    let (mut visited, mut parents) = (BTreeSet::new(), BTreeSet::new());
    for n in outputs.keys() {
        if let Err((path, parent)) = visit(n, None, &edges, &mut visited, &mut parents) {
            return Err(format!(
                "cycle detected in build of '{drv_path}' in the references of output '{path}' from output '{parent}'"
            ));
        }
    }
    Ok(())
}

/// `allowedReferences`, `allowedRequisites`, `disallowedReferences`,
/// `disallowedRequisites` (plain attributes, applying to every output) and
/// `outputChecks.<output>.*` (structured), as CppNix 2.8 enforces them.
/// Entries are store paths or names of this derivation's outputs.
fn check_reference_rules(
    store: &Store,
    drv_path: &StorePath,
    attrs: &DrvAttrs<'_>,
    outputs: &BTreeMap<String, StorePath>,
    infos: &[PathInfo],
) -> Result<(), String> {
    const RULES: [&str; 4] = ["allowedReferences", "allowedRequisites", "disallowedReferences", "disallowedRequisites"];
    let by_path: BTreeMap<&StorePath, &PathInfo> = infos.iter().map(|i| (&i.path, i)).collect();
    for (name, path) in outputs {
        for rule in RULES {
            let spec: Option<Vec<String>> = match &attrs.structured {
                None => attrs.list(rule),
                Some(m) => m
                    .get("outputChecks")
                    .and_then(|c| c.get(name))
                    .and_then(|c| c.get(rule))
                    .and_then(|v| v.as_array())
                    .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()),
            };
            let Some(spec) = spec else { continue };
            let mut listed = BTreeSet::new();
            for item in &spec {
                match outputs.get(item) {
                    Some(p) => listed.insert(p.clone()),
                    None => listed
                        .insert(StorePath::parse(item).map_err(|e| {
                            format!("derivation '{drv_path}': invalid entry '{item}' in '{rule}': {e}")
                        })?),
                };
            }
            let info = by_path[path];
            let used: BTreeSet<StorePath> = if rule.ends_with("Requisites") {
                // The closure: our own outputs from the batch, the rest from the store.
                let mut done = BTreeSet::new();
                let mut todo: Vec<StorePath> = vec![path.clone()];
                while let Some(p) = todo.pop() {
                    if !done.insert(p.clone()) {
                        continue;
                    }
                    let refs = match by_path.get(&p) {
                        Some(i) => i.references.clone(),
                        None => store.references(&p).map_err(|e| e.to_string())?,
                    };
                    todo.extend(refs);
                }
                done
            } else {
                info.references.clone()
            };
            let allowed = rule.starts_with("allowed");
            for u in &used {
                if u == path && rule.ends_with("Requisites") {
                    continue;
                }
                if listed.contains(u) != allowed {
                    return Err(format!(
                        "output '{path}' is not allowed to refer to the following paths:\n  {u}\n(rule '{rule}' of \
                         '{drv_path}')"
                    ));
                }
            }
        }
    }
    Ok(())
}
