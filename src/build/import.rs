//! Copying store objects from CppNix's store (`/nix/store`, metadata in
//! `/nix/var/nix/db/db.sqlite`) into tern's, so a derivation instantiated
//! by CppNix can be built by tern under the same path.
//!
//! Only what is asked for and its closure is copied, references first.
//! `.drv` files go through `Store::add_derivation`, which recomputes their
//! path from their text — a copied derivation is exactly the one named.
//! Other objects (sources, `toFile` texts, outputs used as inputs) are
//! copied with their CppNix metadata and must hash to the NAR hash it
//! records. CppNix's database is only read.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::store::{ContentAddress, Derivation, Hash, PathInfo, Store, StorePath};

/// CppNix's store, opened read-only.
pub(crate) struct HostStore {
    store_dir: PathBuf,
    db: Connection,
}

impl HostStore {
    /// Opens the store rooted at `root` (normally `/nix`), if it has a
    /// readable database.
    pub(crate) fn open(root: &Path) -> Option<HostStore> {
        let db_file = root.join("var/nix/db/db.sqlite");
        if !db_file.exists() {
            return None;
        }
        let db =
            Connection::open_with_flags(&db_file, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .ok()?;
        let _ = db.busy_timeout(std::time::Duration::from_secs(30));
        Some(HostStore { store_dir: root.join("store"), db })
    }

    /// Is `path` valid there (and present on disk)?
    pub(crate) fn has(&self, path: &StorePath) -> bool {
        self.store_dir.join(path.base_name()).symlink_metadata().is_ok() && matches!(self.info(path), Ok(Some(_)))
    }

    fn info(&self, path: &StorePath) -> Result<Option<PathInfo>, String> {
        let err = |e: rusqlite::Error| format!("reading CppNix's database about '{path}': {e}");
        let row = self
            .db
            .query_row("SELECT id, hash, narSize, ca FROM ValidPaths WHERE path = ?1", [path.to_absolute()], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })
            .optional()
            .map_err(err)?;
        let Some((id, hash, size, ca)) = row else { return Ok(None) };
        let mut stmt = self
            .db
            .prepare_cached("SELECT p.path FROM Refs r JOIN ValidPaths p ON p.id = r.reference WHERE r.referrer = ?1")
            .map_err(err)?;
        let refs = stmt
            .query_map([id], |r| r.get::<_, String>(0))
            .map_err(err)?
            .map(|p| p.map_err(err).and_then(|p| StorePath::parse(&p).map_err(|e| e.to_string())))
            .collect::<Result<BTreeSet<_>, _>>()?;
        let nar_hash = Hash::parse_prefixed(&hash).map_err(|e| e.to_string())?;
        let ca = match ca.filter(|c| !c.is_empty()) {
            Some(c) => Some(ContentAddress::parse(&c).map_err(|e| e.to_string())?),
            None => None,
        };
        Ok(Some(PathInfo {
            path: path.clone(),
            nar_hash,
            nar_size: size.unwrap_or(0) as u64,
            references: refs,
            deriver: None,
            ca,
            registration_time: 0,
        }))
    }

    /// Copies the closure of `paths` into `store`; returns how many paths
    /// were copied.
    pub(crate) fn import_closure(&self, store: &Store, paths: &[StorePath]) -> Result<usize, String> {
        // Post-order walk: references before referrers (self-references ignored).
        let mut order = Vec::new();
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(StorePath, bool)> = paths.iter().rev().map(|p| (p.clone(), false)).collect();
        let mut infos = std::collections::HashMap::new();
        while let Some((p, expanded)) = stack.pop() {
            if expanded {
                order.push(p);
                continue;
            }
            if !seen.insert(p.clone()) {
                continue;
            }
            if store.is_valid(&p).map_err(|e| e.to_string())? {
                continue;
            }
            let info = self.info(&p)?.ok_or_else(|| format!("'{p}' is not valid in CppNix's store either"))?;
            stack.push((p.clone(), true));
            for r in info.references.iter().rev() {
                if *r != p && !seen.contains(r) {
                    stack.push((r.clone(), false));
                }
            }
            infos.insert(p, info);
        }
        for p in &order {
            let src = self.store_dir.join(p.base_name());
            if p.is_derivation() {
                let text = std::fs::read(&src).map_err(|e| format!("cannot read '{}': {e}", src.display()))?;
                let drv = Derivation::parse_at(&text, p).map_err(|e| e.to_string())?;
                let added = store.add_derivation(&drv).map_err(|e| e.to_string())?;
                if added != *p {
                    return Err(format!(
                        "copying '{p}' from CppNix's store gave '{added}': the file does not match its name"
                    ));
                }
            } else {
                store.add_path_with_info(&src, &infos[p]).map_err(|e| e.to_string())?;
            }
        }
        Ok(order.len())
    }
}
