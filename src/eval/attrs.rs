//! Attribute sets: entries sorted by symbol id, for binary-search lookup.
//!
//! Lookups compare interned ids, not strings. Nix also needs the entries in byte order of
//! their names (printing, `attrNames`, `attrValues`, JSON); that permutation is computed on
//! first use and cached in the set.
//!
//! `a // b` is usually a big set updated by a small one (an overlay over a package set, an
//! accumulator gaining one attribute). Copying `a` each time makes such loops quadratic, so
//! a small `b` is *layered* over `a` instead: the new set keeps `b`'s entries and a pointer
//! to `a`; lookups try the layer first. Layers are bounded in depth, and a layered set is
//! flattened (once, cached) when someone iterates over it, or when its lookups have cost
//! more probes of extra layers than a flat copy costs to make (a package set at the end of
//! an overlay chain is searched for every dependency of every package: each search would
//! otherwise probe every layer).
//!
//! Big sets (package sets, `lib`) are searched constantly, and a binary search over
//! thousands of entries touches a dozen cache lines; a set of that size that has been
//! searched a few dozen times keeps a small hash index from symbol id to entry
//! (`HashIndex`): one or two probes.

use crate::eval::shared::Shared;
use std::cell::{Cell, OnceCell};

use crate::diag::source_map::Pos;
use crate::symbol::Symbol;

use super::value::Value;

#[derive(Clone)]
pub struct Attr {
    pub name: Symbol,
    pub pos: Pos,
    pub value: Value,
}

/// An attribute set. Kept small (a package set has tens of thousands of them): what only
/// some sets need lives in a separately allocated [`Extra`].
#[derive(Default)]
pub struct Attrs {
    /// This set's own entries (all of them, unless `base` is set).
    entries: Box<[Attr]>,
    /// For a layered set: the set `entries` were put over.
    base: Option<Shared<Attrs>>,
    /// Number of distinct names, counting the base.
    len: u32,
    /// Layers below this one (0 for a flat set).
    depth: u8,
    /// Lookups so far by bisection in a set that could have an index (counts to
    /// `INDEX_AFTER`).
    searches: Cell<u8>,
    /// For a layered set: layers probed by lookups so far (counts to the set's size, when
    /// a flat copy pays for itself).
    layer_probes: Cell<u16>,
    extra: OnceCell<Box<Extra>>,
}

// A package set holds tens of thousands of sets: keep the header at five words.
const _: () = assert!(std::mem::size_of::<Attrs>() == 40);

/// Caches built on demand.
#[derive(Default)]
struct Extra {
    /// A layered set's entries merged with its base's, built on first iteration.
    flat: OnceCell<Vec<Attr>>,
    /// A hash index of `flat`, built with it once lookups justify flattening.
    flat_index: OnceCell<Box<HashIndex>>,
    /// The entries' order by name bytes, built on first sorted iteration.
    lexical: OnceCell<Box<[u32]>>,
    /// For a set of at least `INDEX_MIN` own entries: their hash index, built once the
    /// set has been searched `INDEX_AFTER` times.
    index: OnceCell<Box<HashIndex>>,
}

/// Sets with fewer own entries are searched by bisection (a few probes in a few lines).
const INDEX_MIN: usize = 64;
/// Many big sets are intermediate results (each step of a `//` chain, `mapAttrs` over a
/// package set) searched only a few times: indexing those would cost more than it saves.
const INDEX_AFTER: u8 = 32;

/// Open addressing over `entries` positions, keyed by symbol id (Fibonacci hashing,
/// linear probing, at most half full).
struct HashIndex {
    shift: u32,
    slots: Box<[u32]>,
}

const EMPTY: u32 = u32::MAX;

impl HashIndex {
    fn new(entries: &[Attr]) -> HashIndex {
        let bits = (entries.len() * 2).next_power_of_two().trailing_zeros().max(1);
        let mut slots = vec![EMPTY; 1 << bits].into_boxed_slice();
        let index = HashIndex { shift: 32 - bits, slots: Box::default() };
        let mask = slots.len() - 1;
        for (i, a) in entries.iter().enumerate() {
            let mut h = index.home(a.name);
            while slots[h] != EMPTY {
                h = (h + 1) & mask;
            }
            slots[h] = i as u32;
        }
        HashIndex { slots, ..index }
    }

    #[inline]
    fn home(&self, name: Symbol) -> usize {
        (name.0.wrapping_mul(0x9E37_79B9) >> self.shift) as usize
    }

    #[inline]
    fn find<'a>(&self, entries: &'a [Attr], name: Symbol) -> Option<&'a Attr> {
        let mask = self.slots.len() - 1;
        let mut h = self.home(name);
        loop {
            let i = self.slots[h];
            if i == EMPTY {
                return None;
            }
            let a = &entries[i as usize];
            if a.name == name {
                return Some(a);
            }
            h = (h + 1) & mask;
        }
    }
}

impl Drop for Attrs {
    fn drop(&mut self) {
        if !self.entries.is_empty() || self.base.is_some() {
            let parts = (std::mem::take(&mut self.entries), self.base.take(), self.extra.take());
            super::value::drop_deep(parts);
        }
    }
}

/// The first eight bytes of a name as a big-endian integer, zero-padded: comparing two of
/// these orders names as comparing their bytes does, except that equal keys need the full
/// comparison.
fn prefix_key(bytes: &[u8]) -> u64 {
    let mut key = [0u8; 8];
    let n = bytes.len().min(8);
    key[..n].copy_from_slice(&bytes[..n]);
    u64::from_be_bytes(key)
}

/// Deeper layer chains make lookups slower than copying would have been.
const MAX_LAYERS: u8 = 16;
/// Only layer when the right-hand side is this many times smaller than the left.
const LAYER_RATIO: usize = 8;

impl Attrs {
    pub fn new() -> Attrs {
        Attrs::default()
    }

    /// From entries already sorted by symbol id and free of duplicates.
    pub fn from_sorted(entries: Vec<Attr>) -> Attrs {
        debug_assert!(entries.windows(2).all(|w| w[0].name < w[1].name));
        let len = entries.len() as u32;
        Attrs {
            entries: entries.into_boxed_slice(),
            base: None,
            len,
            depth: 0,
            searches: Cell::new(0),
            layer_probes: Cell::new(0),
            extra: OnceCell::new(),
        }
    }

    /// From entries in any order; for duplicate names the first one wins.
    pub fn from_unsorted(mut entries: Vec<Attr>) -> Attrs {
        entries.sort_by_key(|a| a.name);
        entries.dedup_by(|later, earlier| later.name == earlier.name);
        Attrs::from_sorted(entries)
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    fn extra(&self) -> &Extra {
        self.extra.get_or_init(Box::default)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub fn get(&self, name: Symbol) -> Option<&Value> {
        self.get_attr(name).map(|a| &a.value)
    }

    #[inline]
    pub fn get_attr(&self, name: Symbol) -> Option<&Attr> {
        if self.base.is_none() {
            return self.get_own(name);
        }
        self.get_layered(name)
    }

    /// A lookup in a layered set: layer by layer, until the probes of extra layers made so
    /// far add up to the set's size; then through an indexed flat copy, whose making costs
    /// about as much as the probes already spent (so at most doubles the lookups' cost,
    /// and saves all further extra probes).
    fn get_layered(&self, name: Symbol) -> Option<&Attr> {
        if let Some(e) = self.extra.get() {
            if let (Some(flat), Some(index)) = (e.flat.get(), e.flat_index.get()) {
                return index.find(flat, name);
            }
        }
        if self.len() >= INDEX_MIN {
            let probes = self.layer_probes.get().saturating_add(u16::from(self.depth));
            self.layer_probes.set(probes);
            if usize::from(probes) >= self.len().min(usize::from(u16::MAX)) {
                let flat = self.all();
                let index = self.extra().flat_index.get_or_init(|| Box::new(HashIndex::new(flat)));
                return index.find(flat, name);
            }
        }
        let mut set = self;
        loop {
            if let Some(a) = set.get_own(name) {
                return Some(a);
            }
            set = set.base.as_deref()?;
        }
    }

    /// Looks `name` up among this set's own entries (not its base's).
    #[inline]
    fn get_own(&self, name: Symbol) -> Option<&Attr> {
        if self.entries.len() >= INDEX_MIN {
            return self.get_own_big(name);
        }
        self.bisect(name)
    }

    /// `get_own` for a set big enough for an index (kept out of line, so that the small-set
    /// path inlines into the machine's selection code).
    #[inline(never)]
    fn get_own_big(&self, name: Symbol) -> Option<&Attr> {
        if let Some(index) = self.extra.get().and_then(|e| e.index.get()) {
            return index.find(&self.entries, name);
        }
        let n = self.searches.get() + 1;
        self.searches.set(n);
        if n >= INDEX_AFTER {
            let index = self.extra().index.get_or_init(|| Box::new(HashIndex::new(&self.entries)));
            return index.find(&self.entries, name);
        }
        self.bisect(name)
    }

    #[inline]
    fn bisect(&self, name: Symbol) -> Option<&Attr> {
        match self.entries.binary_search_by_key(&name, |a| a.name) {
            Ok(i) => Some(&self.entries[i]),
            Err(_) => None,
        }
    }

    pub fn contains(&self, name: Symbol) -> bool {
        self.get_attr(name).is_some()
    }

    /// All entries sorted by symbol id.
    fn all(&self) -> &[Attr] {
        match &self.base {
            None => &self.entries,
            Some(_) => self.extra().flat.get_or_init(|| self.flatten_with(&[])),
        }
    }

    /// This set's entries with `top` put over them, as one sorted vector, copying the
    /// bottom set once whatever the number of layers: the layers (small, by construction)
    /// are combined first, upper ones winning, and then merged with the bottom in one pass.
    fn flatten_with(&self, top: &[Attr]) -> Vec<Attr> {
        let mut layers: Vec<&[Attr]> = vec![top];
        let mut set = self;
        while let Some(base) = &set.base {
            layers.push(&set.entries);
            set = base;
        }
        let bottom = set.all();
        let mut over: Vec<Attr> = Vec::new();
        for layer in layers.iter().rev() {
            over = merge_iters(over.into_iter(), layer.iter().cloned());
        }
        merge_iters(bottom.iter().cloned(), over.into_iter())
    }

    /// The entries of a set that is not layered over another (`None` for a layered one).
    pub fn flat_entries(&self) -> Option<&[Attr]> {
        self.base.is_none().then_some(&self.entries[..])
    }

    /// Entries in symbol-id order (fast, but not an order users may see).
    pub fn iter(&self) -> std::slice::Iter<'_, Attr> {
        self.all().iter()
    }

    /// Entries in byte order of their names, as Nix presents them.
    pub fn iter_sorted(&self) -> impl ExactSizeIterator<Item = &Attr> + '_ {
        let all = self.all();
        let order = self.extra().lexical.get_or_init(|| {
            // Look every name up once, not at each comparison; and compare the first eight
            // bytes as one integer first (big-endian, zero-padded: the same order as the
            // bytes'), so that most comparisons of a big set's names need no `memcmp`.
            let mut keyed: Vec<(u64, &[u8], u32)> =
                Symbol::bytes_of(all.iter().map(|a| a.name)).zip(0..).map(|(b, i)| (prefix_key(b), b, i)).collect();
            keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
            keyed.into_iter().map(|(_, _, i)| i).collect()
        });
        order.iter().map(move |&i| &all[i as usize])
    }

    /// `this // other`: a new set with `other`'s attributes winning.
    pub fn update(this: &Shared<Attrs>, other: &Attrs) -> Attrs {
        if this.depth < MAX_LAYERS && other.len() * LAYER_RATIO <= this.len() {
            let top: Box<[Attr]> = other.all().into();
            let fresh = top.iter().filter(|a| !this.contains(a.name)).count() as u32;
            return Attrs {
                len: this.len + fresh,
                entries: top,
                base: Some(this.clone()),
                depth: this.depth + 1,
                searches: Cell::new(0),
                layer_probes: Cell::new(0),
                extra: OnceCell::new(),
            };
        }
        if this.base.is_some() {
            return Attrs::from_sorted(this.flatten_with(other.all()));
        }
        Attrs::from_sorted(merge(&this.entries, other.all()))
    }

    /// A copy without the given names, in one pass over both (`removeAttrs` of thousands of
    /// names from a big set must not compare every pair).
    pub fn without(&self, names: &[Symbol]) -> Attrs {
        let mut names = names.to_vec();
        names.sort_unstable();
        let all = self.all();
        let mut entries = Vec::with_capacity(all.len());
        let mut gone = names.iter().peekable();
        for a in all {
            while gone.next_if(|&&n| n < a.name).is_some() {}
            if gone.next_if_eq(&&a.name).is_none() {
                entries.push(a.clone());
            }
        }
        Attrs::from_sorted(entries)
    }

    /// Maps every value, keeping the names (for `mapAttrs`). Positions are dropped, as in
    /// CppNix: the values no longer come from where the attributes were written.
    pub fn map_values(&self, mut f: impl FnMut(&Attr) -> Value) -> Attrs {
        let entries = self.iter().map(|a| Attr { name: a.name, pos: Pos::NONE, value: f(a) }).collect();
        Attrs::from_sorted(entries)
    }

    /// Keeps the entries for which `keep` is true.
    pub fn filter(&self, mut keep: impl FnMut(&Attr) -> bool) -> Attrs {
        Attrs::from_sorted(self.iter().filter(|a| keep(a)).cloned().collect())
    }
}

/// Merges two symbol-sorted entry lists; `b` wins on equal names.
fn merge(a: &[Attr], b: &[Attr]) -> Vec<Attr> {
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
    out
}

/// Merges two symbol-sorted, duplicate-free entry sequences; `b` wins on equal names.
fn merge_iters(a: impl ExactSizeIterator<Item = Attr>, b: impl ExactSizeIterator<Item = Attr>) -> Vec<Attr> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut a = a.peekable();
    let mut b = b.peekable();
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        match x.name.cmp(&y.name) {
            std::cmp::Ordering::Less => out.extend(a.next()),
            std::cmp::Ordering::Greater => out.extend(b.next()),
            std::cmp::Ordering::Equal => {
                a.next();
                out.extend(b.next());
            }
        }
    }
    out.extend(a);
    out.extend(b);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, i64)]) -> Shared<Attrs> {
        let mut b = AttrsBuilder::default();
        for (n, v) in pairs {
            b.insert_str(n, Value::Int(*v));
        }
        Shared::new(b.finish())
    }

    fn contents(a: &Attrs) -> Vec<(String, i64)> {
        a.iter_sorted()
            .map(|x| match x.value {
                Value::Int(i) => (x.name.as_str().into_owned(), i),
                _ => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn sorted_iteration_is_byte_order() {
        // Names that tie on the eight-byte prefix key, differ only after it, are prefixes of
        // each other, or hold bytes below and above ASCII letters.
        let names = [
            "packages",
            "packagesX",
            "packages-a",
            "packages_z",
            "pack",
            "p",
            "",
            "u10",
            "u9",
            "u100000000",
            "u1000000000",
            "a\u{1}",
            "a",
            "\u{e9}t\u{e9}",
            "Z",
            "longer-name-than-eight",
            "longer-name-than-eigh",
        ];
        let a = set(&names.iter().map(|n| (*n, 0)).collect::<Vec<_>>());
        let got: Vec<String> = contents(&a).into_iter().map(|(n, _)| n).collect();
        let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        expected.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        assert_eq!(got, expected);
    }

    #[test]
    fn layered_updates_behave_like_copies() {
        let names: Vec<String> = (0..200).map(|i| format!("n{i}")).collect();
        let pairs: Vec<(&str, i64)> = names.iter().map(|n| (n.as_str(), 0)).collect();
        let mut layered = set(&pairs);
        let mut reference: std::collections::BTreeMap<String, i64> = names.iter().map(|n| (n.clone(), 0)).collect();
        for step in 0..100i64 {
            // Alternate overriding an existing name and adding a fresh one.
            let name = if step % 2 == 0 { format!("n{}", step * 3 % 200) } else { format!("new{step}") };
            layered = Shared::new(Attrs::update(&layered, &set(&[(&name, step)])));
            reference.insert(name, step);
            assert_eq!(layered.len(), reference.len());
            assert!(layered.depth <= MAX_LAYERS);
        }
        let mut expected: Vec<(String, i64)> = reference.into_iter().collect();
        expected.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        assert_eq!(contents(&layered), expected);
        assert_eq!(layered.get(Symbol::intern("new99")).map(|v| matches!(v, Value::Int(99))), Some(true));
        assert!(layered.get(Symbol::intern("absent")).is_none());
    }

    #[test]
    fn lookups_agree_before_and_after_a_layered_set_is_flattened() {
        let names: Vec<String> = (0..100).map(|i| format!("f{i}")).collect();
        let pairs: Vec<(&str, i64)> = names.iter().map(|n| (n.as_str(), 0)).collect();
        let mut layered = set(&pairs);
        for step in 1..4i64 {
            layered = Shared::new(Attrs::update(&layered, &set(&[(&names[step as usize], step), ("extra", step)])));
        }
        assert!(layered.depth >= 2);
        let expect = |i: usize| if (1..4).contains(&i) { i as i64 } else { 0 };
        // Enough rounds for the probes to pass the set's size, so later rounds use the copy.
        for round in 0..10 {
            for (i, n) in names.iter().enumerate() {
                let got = layered.get(Symbol::intern(n));
                assert!(matches!(got, Some(Value::Int(v)) if *v == expect(i)), "{n} in round {round}");
            }
            assert!(matches!(layered.get(Symbol::intern("extra")), Some(Value::Int(3))));
            assert!(layered.get(Symbol::intern("absent")).is_none());
        }
        assert!(layered.extra.get().is_some_and(|e| e.flat_index.get().is_some()));
    }

    #[test]
    fn big_sets_answer_the_same_with_their_index() {
        let names: Vec<String> = (0..300).map(|i| format!("big{i}")).collect();
        let pairs: Vec<(&str, i64)> = names.iter().enumerate().map(|(i, n)| (n.as_str(), i as i64)).collect();
        let big = set(&pairs);
        // Enough rounds that the index is built partway through.
        for _ in 0..3 {
            for (i, n) in names.iter().enumerate() {
                assert_eq!(
                    big.get(Symbol::intern(n)).map(|v| matches!(v, Value::Int(x) if *x == i as i64)),
                    Some(true)
                );
                assert!(big.get(Symbol::intern(&format!("{n}x"))).is_none());
            }
        }
        assert!(big.extra.get().and_then(|e| e.index.get()).is_some());
    }
}
