//! `tern copy --to ssh-ng://HOST PATHS…` and `--from`: closures between this
//! store and a machine's, over either remote protocol (`ssh://` too), as
//! `nix copy` does. Objects fetched from the machine are checked against
//! the NAR hash it reports and registered together once all are in place.

use std::collections::{BTreeMap, BTreeSet};

use super::{open_session, references_first, Machine, RemoteBuildLimits, RemoteError, Session};
use crate::store::{PathInfo, Store, StorePath};

fn message(e: RemoteError) -> String {
    match e {
        RemoteError::Unreachable(m) | RemoteError::Failed(m) => m,
    }
}

/// The machine a `--to`/`--from` URI names (`ssh://` or `ssh-ng://`).
fn machine(uri: &str) -> Result<Machine, String> {
    if !uri.starts_with("ssh://") && !uri.starts_with("ssh-ng://") {
        return Err(format!("'{uri}' is neither a file:// binary cache nor an ssh:// or ssh-ng:// store"));
    }
    let mut m = super::parse_builders(uri, &super::super::platform::host_system())?;
    m.pop().ok_or_else(|| format!("'{uri}' names no machine"))
}

fn session(m: &Machine) -> Result<Box<dyn Session>, String> {
    // ssh's own messages go to our stderr.
    use std::os::fd::AsFd;
    let stderr = std::io::stderr().as_fd().try_clone_to_owned().map_err(|e| e.to_string())?;
    open_session(m, RemoteBuildLimits::default(), stderr.into(), &std::env::temp_dir()).map_err(message)
}

/// Copies the closure of `paths` to the machine; returns how many objects
/// it lacked.
pub fn copy_to(store: &Store, uri: &str, paths: &[StorePath]) -> Result<usize, String> {
    let m = machine(uri)?;
    let closure = store.closure(paths).map_err(|e| e.to_string())?;
    let mut conn = session(&m)?;
    let list: Vec<StorePath> = closure.iter().cloned().collect();
    let there: BTreeSet<StorePath> = conn.query_valid_paths(&list).map_err(message)?.into_iter().collect();
    let mut missing = Vec::new();
    for p in references_first(store, &closure)? {
        if !there.contains(&p) {
            missing.push(store.query_info(&p).map_err(|e| e.to_string())?.ok_or(format!("'{p}' is not valid"))?);
        }
    }
    conn.add_paths(store, &missing).map_err(message)?;
    conn.close();
    Ok(missing.len())
}

/// Copies the closure of `paths` from the machine; returns how many
/// objects this store lacked.
pub fn copy_from(store: &Store, uri: &str, paths: &[StorePath]) -> Result<usize, String> {
    let m = machine(uri)?;
    let mut conn = session(&m)?;
    // The closure there, by the references the machine reports, stopping
    // at what is valid here.
    let mut infos: BTreeMap<StorePath, PathInfo> = BTreeMap::new();
    let mut todo: Vec<StorePath> = paths.to_vec();
    while let Some(p) = todo.pop() {
        if infos.contains_key(&p) || store.is_valid(&p).map_err(|e| e.to_string())? {
            continue;
        }
        let info = conn.path_info(&p).map_err(message)?;
        if info.path != p {
            return Err(format!("asked about '{p}', '{uri}' answered about '{}'", info.path));
        }
        todo.extend(info.references.iter().filter(|r| **r != p).cloned());
        infos.insert(p, info);
    }
    let mut locks = Vec::new();
    let mut placed = Vec::new();
    for info in infos.values() {
        locks.push(store.lock_path(&info.path).map_err(|e| e.to_string())?);
        if store.is_valid(&info.path).map_err(|e| e.to_string())? {
            continue; // copied meanwhile by someone else
        }
        let mut info = info.clone();
        info.registration_time = 0;
        // A leftover of an earlier attempt is cleared first.
        store.mark_pending(std::slice::from_ref(&info.path)).map_err(|e| e.to_string())?;
        store.remove_invalid(&info.path).map_err(|e| e.to_string())?;
        let result = conn
            .fetch_nar(&info.path, &mut |r| store.place_output_from_nar(&info, r).map_err(std::io::Error::other))
            .map_err(message);
        if let Err(e) = result {
            for p in placed.iter().map(|i: &PathInfo| &i.path).chain([&info.path]) {
                let _ = store.remove_invalid(p);
            }
            return Err(e);
        }
        placed.push(info);
    }
    conn.close();
    store.register_valid_paths(&placed).map_err(|e| e.to_string())?;
    Ok(placed.len())
}
