//! Input closures for one `realise` run, with references cached in memory.
//!
//! Every build needs the closure of its inputs (the candidates for
//! reference scanning, the scratch store of `--check`). Asking the
//! database path by path would cost a query per path per build — a chain
//! of 500 derivations would make 125,000 queries. Instead each path's
//! references are read once per run (or recorded when its outputs are
//! registered) and closures are walked in memory. References of a valid
//! path never change, so the cache cannot go stale.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use crate::store::{Store, StoreError, StorePath};

#[derive(Default)]
pub(crate) struct Closures {
    refs: Mutex<HashMap<StorePath, Arc<BTreeSet<StorePath>>>>,
}

impl Closures {
    /// References of a valid path.
    fn references(&self, store: &Store, p: &StorePath) -> Result<Arc<BTreeSet<StorePath>>, StoreError> {
        if let Some(r) = self.refs.lock().unwrap_or_else(|e| e.into_inner()).get(p) {
            return Ok(r.clone());
        }
        let r = Arc::new(store.references(p)?);
        self.refs.lock().unwrap_or_else(|e| e.into_inner()).insert(p.clone(), r.clone());
        Ok(r)
    }

    /// Records the references of paths just registered.
    pub(crate) fn learn(&self, p: &StorePath, refs: &BTreeSet<StorePath>) {
        self.refs.lock().unwrap_or_else(|e| e.into_inner()).insert(p.clone(), Arc::new(refs.clone()));
    }

    /// `paths` and everything they reference, transitively (all valid).
    pub(crate) fn closure<'a>(
        &self,
        store: &Store,
        paths: impl IntoIterator<Item = &'a StorePath>,
    ) -> Result<BTreeSet<StorePath>, StoreError> {
        let mut done = BTreeSet::new();
        let mut todo: Vec<StorePath> = paths.into_iter().cloned().collect();
        while let Some(p) = todo.pop() {
            if done.contains(&p) {
                continue;
            }
            let refs = self.references(store, &p)?;
            todo.extend(refs.iter().filter(|r| !done.contains(*r)).cloned());
            done.insert(p);
        }
        Ok(done)
    }
}
