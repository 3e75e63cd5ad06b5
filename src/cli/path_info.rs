//! `tern path-info` and `tern store ls`: what the store holds.
//!
//! `path-info PATHS…` (or `--all`, which is what `store ls` means) prints one line per
//! valid path: the path, its NAR hash as `sha256:<nix32>` and its NAR size, separated by
//! tabs. `-r` adds the closure of the given paths. `--json` prints a compact JSON array
//! instead, one object per path with `path`, `narHash`, `narSize`, `references` and, when
//! known, `deriver`, `ca` and `registrationTime`; a path that is not valid appears as
//! `{"path":…,"valid":false}` (plain output reports it as an error). With `--store daemon`
//! (or `unix://…`) the Nix daemon's store is asked.

use std::collections::BTreeSet;

use super::args::{parse, Spec};
use super::usage_error;
use crate::eval::builtins::json::write_json_string;
use crate::store::path::split_store_path;
use crate::store::{PathInfo, Store, StoreError, StorePath};

const SPEC: Spec = Spec { flags: &["--json", "--all", "-r", "--recursive"], valued: &[] };

/// `tern store SUBCOMMAND`.
pub fn run_store(argv: &[String]) -> i32 {
    match argv.first().map(String::as_str) {
        Some("ls") => {
            let mut rest = vec!["--all".to_string()];
            rest.extend(argv[1..].iter().cloned());
            run(&rest)
        }
        Some(other) => usage_error(&format!("unknown store subcommand '{other}' (expected 'ls')")),
        None => usage_error("'tern store' needs a subcommand ('ls')"),
    }
}

pub fn run(argv: &[String]) -> i32 {
    let a = match parse(argv, &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    let all = a.has_flag("--all");
    let result = if let Some(socket) = crate::store::chosen_daemon(a.store.as_deref()) {
        let mut daemon = match super::daemon::connect(&socket, None) {
            Ok(d) => d,
            Err(e) => return fail(&StoreError::Other(e)),
        };
        let listed = if all { daemon.all_valid_paths().map_err(StoreError::Other).map(Some) } else { Ok(None) };
        let r = listed.and_then(|listed| {
            let mut info = |p: &StorePath| daemon.path_info(p).map_err(StoreError::Other);
            list(&mut info, listed, &a.files, a.has_flag("-r") || a.has_flag("--recursive"), a.has_flag("--json"))
        });
        daemon.close();
        r
    } else {
        let root = match crate::store::resolve_root(a.store.as_deref().map(std::path::Path::new)) {
            Ok(r) => r,
            Err(e) => return fail(&e),
        };
        match Store::open(&root) {
            Ok(store) => (if all { store.list().map(Some) } else { Ok(None) }).and_then(|listed| {
                list(
                    &mut |p: &StorePath| store.query_info(p),
                    listed,
                    &a.files,
                    a.has_flag("-r") || a.has_flag("--recursive"),
                    a.has_flag("--json"),
                )
            }),
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(text) => {
            print!("{text}");
            0
        }
        Err(e) => fail(&e),
    }
}

fn fail(e: &StoreError) -> i32 {
    eprintln!("error: {e}");
    1
}

/// What a store knows about a path (`None`: not valid).
type Query<'a> = dyn FnMut(&StorePath) -> Result<Option<PathInfo>, StoreError> + 'a;

fn list(
    query: &mut Query<'_>,
    listed: Option<Vec<StorePath>>,
    args: &[String],
    recursive: bool,
    json: bool,
) -> Result<String, StoreError> {
    let mut paths: BTreeSet<StorePath> = listed.unwrap_or_default().into_iter().collect();
    for a in args {
        let (sp, _) = split_store_path(a)?;
        paths.insert(sp);
    }
    if recursive {
        // The closure of the valid ones, by their references.
        let mut todo: Vec<StorePath> = paths.iter().cloned().collect();
        let mut seen: BTreeSet<StorePath> = BTreeSet::new();
        while let Some(p) = todo.pop() {
            if !seen.insert(p.clone()) {
                continue;
            }
            if let Some(info) = query(&p)? {
                paths.insert(p);
                todo.extend(info.references.iter().filter(|r| !seen.contains(*r)).cloned());
            }
        }
    }
    let mut out = String::new();
    let mut objects: Vec<Vec<u8>> = Vec::new();
    for p in &paths {
        let info = query(p)?;
        match (info, json) {
            (Some(info), false) => {
                out.push_str(&format!("{}\t{}\t{}\n", info.path, info.nar_hash, info.nar_size));
            }
            (None, false) => return Err(StoreError::NotValid { path: p.to_absolute() }),
            (Some(info), true) => objects.push(info_json(&info)),
            (None, true) => {
                let mut o = b"{\"path\":".to_vec();
                write_json_string(&mut o, p.to_absolute().as_bytes());
                o.extend_from_slice(b",\"valid\":false}");
                objects.push(o);
            }
        }
    }
    if json {
        let mut bytes = b"[".to_vec();
        bytes.extend(objects.join(&b","[..]));
        bytes.extend_from_slice(b"]\n");
        out = String::from_utf8_lossy(&bytes).into_owned();
    }
    Ok(out)
}

fn info_json(info: &PathInfo) -> Vec<u8> {
    let mut o = b"{\"path\":".to_vec();
    write_json_string(&mut o, info.path.to_absolute().as_bytes());
    o.extend_from_slice(b",\"narHash\":");
    write_json_string(&mut o, info.nar_hash.to_string().as_bytes());
    o.extend_from_slice(format!(",\"narSize\":{},\"references\":[", info.nar_size).as_bytes());
    for (i, r) in info.references.iter().enumerate() {
        if i > 0 {
            o.push(b',');
        }
        write_json_string(&mut o, r.to_absolute().as_bytes());
    }
    o.push(b']');
    if let Some(d) = &info.deriver {
        o.extend_from_slice(b",\"deriver\":");
        write_json_string(&mut o, d.to_absolute().as_bytes());
    }
    if let Some(ca) = &info.ca {
        o.extend_from_slice(b",\"ca\":");
        write_json_string(&mut o, ca.to_string().as_bytes());
    }
    o.extend_from_slice(format!(",\"registrationTime\":{}}}", info.registration_time).as_bytes());
    o
}
