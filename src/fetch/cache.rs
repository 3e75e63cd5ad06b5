//! The fetchers' cache: what a URL (or a forge branch) gave last time.
//!
//! One small JSON file per key under `fetch-cache/` of the fetchers' state
//! directory (`<store root>/var` of a tern store), named
//! by the SHA-256 of the key, written to a temporary name and renamed, so a
//! reader sees a whole entry or none. An entry records the store path it
//! produced, the NAR hash, the server's ETag, the `lastModified` time of an
//! archive, a resolved revision, and when it was fetched. An entry whose
//! store path is no longer valid is ignored by the callers.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::store::hash::{hash_string, HashAlgo};
use crate::store::local::Store;

/// One cached fetch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    pub store_path: Option<String>,
    pub nar_hash: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<i64>,
    pub rev: Option<String>,
    /// The lockable URL a `Link: <…>; rel="immutable"` header gave.
    pub immutable_url: Option<String>,
    /// When it was fetched (Unix seconds).
    pub time: i64,
}

impl Entry {
    /// Whether it was fetched less than `ttl` seconds ago.
    pub fn fresh(&self, ttl: u64) -> bool {
        super::now().saturating_sub(self.time) < ttl as i64
    }
}

fn file(store: &Store, key: &str) -> PathBuf {
    let name = hash_string(HashAlgo::Sha256, key.as_bytes()).to_nix32();
    super::state_dir(store).join("fetch-cache").join(format!("{name}.json"))
}

/// The entry for `key`, if there is a readable one.
pub fn lookup(store: &Store, key: &str) -> Option<Entry> {
    let text = std::fs::read_to_string(file(store, key)).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    if v.get("key").and_then(Value::as_str) != Some(key) {
        return None;
    }
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
    Some(Entry {
        store_path: s("storePath"),
        nar_hash: s("narHash"),
        etag: s("etag"),
        last_modified: v.get("lastModified").and_then(Value::as_i64),
        rev: s("rev"),
        immutable_url: s("immutableUrl"),
        time: v.get("time").and_then(Value::as_i64).unwrap_or(0),
    })
}

/// Records `entry` for `key` (best effort: a cache that cannot be written
/// only costs a download next time).
pub fn put(store: &Store, key: &str, entry: &Entry) {
    let path = file(store, key);
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let v = json!({
        "key": key,
        "storePath": entry.store_path,
        "narHash": entry.nar_hash,
        "etag": entry.etag,
        "lastModified": entry.last_modified,
        "rev": entry.rev,
        "immutableUrl": entry.immutable_url,
        "time": entry.time,
    });
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    if std::fs::write(&tmp, v.to_string()).is_ok() && std::fs::rename(&tmp, &path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// The entry's store path when it is still valid in `store`.
pub fn valid_path(store: &Store, entry: &Entry) -> Option<crate::store::StorePath> {
    let p = crate::store::StorePath::parse(entry.store_path.as_deref()?).ok()?;
    store.is_valid(&p).ok()?.then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_keys_do_not_collide() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(lookup(&store, "a"), None);
        let e = Entry {
            store_path: Some("/nix/store/x".into()),
            nar_hash: Some("sha256-x".into()),
            etag: Some("\"e\"".into()),
            last_modified: Some(5),
            rev: None,
            immutable_url: Some("https://h/v1.tar.gz?rev=0".into()),
            time: super::super::now(),
        };
        put(&store, "a", &e);
        assert_eq!(lookup(&store, "a"), Some(e.clone()));
        assert_eq!(lookup(&store, "b"), None);
        assert!(e.fresh(60));
        assert!(!Entry { time: 0, ..e }.fresh(60));
    }
}
