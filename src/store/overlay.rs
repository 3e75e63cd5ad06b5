//! The in-memory overlay of a read-only store.
//!
//! `nix-instantiate --eval` computes the paths of `.drv` files, `toFile` texts and source
//! imports without writing them. A store opened read-only does the same: objects "added"
//! are recorded here (texts with their bytes and references, derivations with their
//! outputs, sources with the host path they came from) and are visible to the rest of the
//! process as if they were valid, but nothing touches the disk or the database.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use super::path::StorePath;

/// Keyed by store paths, which are not chosen by an adversary of this process (their
/// names start with a hash): a fast hash, not SipHash (a package set's evaluation looks
/// up every derivation here several times).
type PathMap<V> = HashMap<StorePath, V, foldhash::fast::RandomState>;

/// A text object's bytes and its references (sorted).
pub(crate) type Text = (Box<[u8]>, Box<[StorePath]>);

/// A derivation's output paths by output name (sorted).
pub(crate) type Outputs = Box<[(Box<str>, StorePath)]>;

#[derive(Default)]
pub(crate) struct Overlay {
    /// Text objects (`toFile`, `.drv`): bytes and references (sorted). Kept compact: an
    /// evaluation of a package set records one per derivation.
    pub texts: PathMap<Text>,
    /// Output paths of derivations added here, by output name (sorted).
    pub drv_outputs: PathMap<Outputs>,
    /// Source imports: where their bytes still are on the host.
    pub sources: PathMap<PathBuf>,
}

impl Overlay {
    pub fn contains(&self, path: &StorePath) -> bool {
        self.texts.contains_key(path) || self.sources.contains_key(path)
    }

    /// References of an object recorded here (sources have none).
    pub fn references(&self, path: &StorePath) -> Option<BTreeSet<StorePath>> {
        if let Some((_, refs)) = self.texts.get(path) {
            return Some(refs.iter().cloned().collect());
        }
        self.sources.contains_key(path).then(BTreeSet::new)
    }
}
