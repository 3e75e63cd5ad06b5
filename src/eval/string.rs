//! Nix strings: byte strings with a string context.
//!
//! Nix strings are arbitrary bytes (usually UTF-8) and carry a *context*: the set of store
//! objects the text refers to. Every string operation propagates the union of the contexts
//! involved; `derivationStrict` turns the context into input derivations and sources.
//!
//! A context is shared, not copied: most strings with a context get it from exactly one
//! other string (`"${pkg}/bin"`, `toString drv`, an attribute of a derivation), so
//! [`Context`] is a reference-counted set that a union with a single source just points at,
//! and that is copied only when a second, different source is added to it.

use std::collections::BTreeSet;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

/// One element of a string context.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContextElem {
    /// A store path is referenced (imports, `toFile`, `storePath`).
    Plain(Rc<str>),
    /// Output `output` of the derivation at `drv`.
    Output { drv: Rc<str>, output: Rc<str> },
    /// The derivation file itself and everything it needs (`drv.drvPath`).
    AllOutputs(Rc<str>),
}

impl ContextElem {
    /// The store path the element is keyed by in `getContext`.
    pub fn path(&self) -> &Rc<str> {
        match self {
            ContextElem::Plain(p) | ContextElem::AllOutputs(p) => p,
            ContextElem::Output { drv, .. } => drv,
        }
    }

    /// The element in CppNix's string encoding (`/nix/store/…`, `!out!/nix/store/….drv`,
    /// `=/nix/store/….drv`), as error messages show it.
    pub fn encode(&self) -> String {
        match self {
            ContextElem::Plain(p) => p.to_string(),
            ContextElem::Output { drv, output } => format!("!{output}!{drv}"),
            ContextElem::AllOutputs(d) => format!("={d}"),
        }
    }
}

/// The elements of a context, in order.
pub type ContextSet = BTreeSet<ContextElem>;

/// A string context: a set of [`ContextElem`]s shared copy-on-write between strings.
/// It reads as a [`ContextSet`] (through `Deref`); mutation through `DerefMut` copies a
/// shared set first. The empty context allocates nothing.
#[derive(Clone, Default)]
pub struct Context(Option<Rc<ContextSet>>);

/// The set an empty [`Context`] reads as.
struct EmptySet(ContextSet);

// SAFETY: the set is empty and never mutated (only `&` references to it are handed out),
// so no `Rc` inside it exists whose count another thread could touch.
unsafe impl Sync for EmptySet {}

static EMPTY: EmptySet = EmptySet(BTreeSet::new());

impl Context {
    pub const fn new() -> Context {
        Context(None)
    }

    /// Adds every element of `other`. An empty context takes `other`'s set without
    /// copying it; a context that already holds them all stays as it is.
    pub fn union_with(&mut self, other: &Context) {
        let Some(theirs) = &other.0 else { return };
        match &self.0 {
            None => self.0 = Some(theirs.clone()),
            Some(mine) if Rc::ptr_eq(mine, theirs) => {}
            Some(mine) if theirs.len() <= mine.len() && theirs.is_subset(mine) => {}
            Some(mine) if mine.len() < theirs.len() && mine.is_subset(theirs) => self.0 = Some(theirs.clone()),
            Some(_) => self.deref_mut().extend(theirs.iter().cloned()),
        }
    }

    /// Whether both are the very same shared set (or both empty): a cheap test that
    /// implies equality.
    fn same(&self, other: &Context) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Deref for Context {
    type Target = ContextSet;

    fn deref(&self) -> &ContextSet {
        match &self.0 {
            Some(set) => set,
            None => &EMPTY.0,
        }
    }
}

impl DerefMut for Context {
    fn deref_mut(&mut self) -> &mut ContextSet {
        Rc::make_mut(self.0.get_or_insert_with(Rc::default))
    }
}

impl PartialEq for Context {
    fn eq(&self, other: &Context) -> bool {
        self.same(other) || **self == **other
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<const N: usize> From<[ContextElem; N]> for Context {
    fn from(elems: [ContextElem; N]) -> Context {
        Context::from_iter(elems)
    }
}

impl FromIterator<ContextElem> for Context {
    fn from_iter<I: IntoIterator<Item = ContextElem>>(iter: I) -> Context {
        let set: ContextSet = iter.into_iter().collect();
        Context((!set.is_empty()).then(|| Rc::new(set)))
    }
}

impl Extend<ContextElem> for Context {
    fn extend<I: IntoIterator<Item = ContextElem>>(&mut self, iter: I) {
        let mut iter = iter.into_iter().peekable();
        if iter.peek().is_some() {
            self.deref_mut().extend(iter);
        }
    }
}

impl IntoIterator for Context {
    type Item = ContextElem;
    type IntoIter = std::collections::btree_set::IntoIter<ContextElem>;

    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            Some(set) => Rc::unwrap_or_clone(set).into_iter(),
            None => ContextSet::new().into_iter(),
        }
    }
}

impl<'a> IntoIterator for &'a Context {
    type Item = &'a ContextElem;
    type IntoIter = std::collections::btree_set::Iter<'a, ContextElem>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[derive(Clone, Default, PartialEq)]
pub struct NixString {
    bytes: Box<[u8]>,
    /// Never an empty set (`context()` is `None` then).
    context: Context,
}

impl NixString {
    pub fn new(bytes: impl Into<Box<[u8]>>) -> NixString {
        NixString { bytes: bytes.into(), context: Context::new() }
    }

    pub fn with_context(bytes: impl Into<Box<[u8]>>, context: Context) -> NixString {
        let context = if context.is_empty() { Context::new() } else { context };
        NixString { bytes: bytes.into(), context }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The text, with invalid UTF-8 replaced (for messages and file names).
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn context(&self) -> Option<&Context> {
        self.context.0.is_some().then_some(&self.context)
    }

    pub fn has_context(&self) -> bool {
        self.context.0.is_some()
    }

    /// Adds this string's context into `into` (sharing it when `into` is empty).
    pub fn merge_context_into(&self, into: &mut Context) {
        into.union_with(&self.context);
    }
}

impl From<&str> for NixString {
    fn from(s: &str) -> Self {
        NixString::new(s.as_bytes())
    }
}

impl From<String> for NixString {
    fn from(s: String) -> Self {
        NixString::new(s.into_bytes())
    }
}

impl From<Vec<u8>> for NixString {
    fn from(b: Vec<u8>) -> Self {
        NixString::new(b)
    }
}

impl From<&[u8]> for NixString {
    fn from(b: &[u8]) -> Self {
        NixString::new(b)
    }
}
