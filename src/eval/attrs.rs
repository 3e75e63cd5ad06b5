//! Attribute sets: entries sorted by symbol id, for binary-search lookup.
//!
//! Lookups compare interned ids, not strings. Nix also needs the entries in byte order of
//! their names (printing, `attrNames`, `attrValues`, JSON); that permutation is computed on
//! first use and cached in the set. `//` is a linear merge of two sorted vectors.

use std::cell::OnceCell;

use crate::diag::source_map::Pos;
use crate::symbol::Symbol;

use super::value::Value;

#[derive(Clone)]
pub struct Attr {
    pub name: Symbol,
    pub pos: Pos,
    pub value: Value,
}

#[derive(Default)]
pub struct Attrs {
    entries: Vec<Attr>,
    lexical: OnceCell<Box<[u32]>>,
}

impl Attrs {
    pub fn new() -> Attrs {
        Attrs::default()
    }

    /// From entries already sorted by symbol id and free of duplicates.
    pub fn from_sorted(entries: Vec<Attr>) -> Attrs {
        debug_assert!(entries.windows(2).all(|w| w[0].name < w[1].name));
        Attrs { entries, lexical: OnceCell::new() }
    }

    /// From entries in any order; for duplicate names the first one wins.
    pub fn from_unsorted(mut entries: Vec<Attr>) -> Attrs {
        entries.sort_by_key(|a| a.name);
        entries.dedup_by(|later, earlier| later.name == earlier.name);
        Attrs { entries, lexical: OnceCell::new() }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn index_of(&self, name: Symbol) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&name, |a| a.name)
    }

    pub fn get(&self, name: Symbol) -> Option<&Value> {
        self.index_of(name).ok().map(|i| &self.entries[i].value)
    }

    pub fn get_attr(&self, name: Symbol) -> Option<&Attr> {
        self.index_of(name).ok().map(|i| &self.entries[i])
    }

    pub fn contains(&self, name: Symbol) -> bool {
        self.index_of(name).is_ok()
    }

    /// Entries in symbol-id order (fast, but not an order users may see).
    pub fn iter(&self) -> std::slice::Iter<'_, Attr> {
        self.entries.iter()
    }

    /// Entries in byte order of their names, as Nix presents them.
    pub fn iter_sorted(&self) -> impl ExactSizeIterator<Item = &Attr> + '_ {
        let order = self.lexical.get_or_init(|| {
            let mut idx: Vec<u32> = (0..self.entries.len() as u32).collect();
            idx.sort_by(|&a, &b| self.entries[a as usize].name.bytes().cmp(self.entries[b as usize].name.bytes()));
            idx.into_boxed_slice()
        });
        order.iter().map(move |&i| &self.entries[i as usize])
    }

    /// `self // other`: a new set with `other`'s attributes winning.
    pub fn update(&self, other: &Attrs) -> Attrs {
        let (a, b) = (&self.entries, &other.entries);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].name.cmp(&b[j].name) {
                std::cmp::Ordering::Less => {
                    out.push(a[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(b[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    out.push(b[j].clone());
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
        Attrs::from_sorted(out)
    }

    /// A copy without the given names.
    pub fn without(&self, names: &[Symbol]) -> Attrs {
        let entries = self.entries.iter().filter(|a| !names.contains(&a.name)).cloned().collect();
        Attrs::from_sorted(entries)
    }

    /// Maps every value, keeping names and positions (for `mapAttrs`).
    pub fn map_values(&self, mut f: impl FnMut(&Attr) -> Value) -> Attrs {
        let entries = self.entries.iter().map(|a| Attr { name: a.name, pos: a.pos, value: f(a) }).collect();
        Attrs::from_sorted(entries)
    }

    /// Keeps the entries for which `keep` is true.
    pub fn filter(&self, mut keep: impl FnMut(&Attr) -> bool) -> Attrs {
        Attrs::from_sorted(self.entries.iter().filter(|a| keep(a)).cloned().collect())
    }

    pub fn into_entries(self) -> Vec<Attr> {
        self.entries
    }
}

/// Collects attributes for a new set.
#[derive(Default)]
pub struct AttrsBuilder {
    entries: Vec<Attr>,
}

impl AttrsBuilder {
    pub fn with_capacity(n: usize) -> Self {
        AttrsBuilder { entries: Vec::with_capacity(n) }
    }

    pub fn insert(&mut self, name: Symbol, value: Value) {
        self.entries.push(Attr { name, pos: Pos::NONE, value });
    }

    pub fn insert_at(&mut self, name: Symbol, pos: Pos, value: Value) {
        self.entries.push(Attr { name, pos, value });
    }

    pub fn insert_str(&mut self, name: &str, value: Value) {
        self.insert(Symbol::intern(name), value);
    }

    /// Finishes the set; for duplicate names the first inserted wins.
    pub fn finish(self) -> Attrs {
        Attrs::from_unsorted(self.entries)
    }
}
