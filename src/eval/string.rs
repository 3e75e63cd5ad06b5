//! Nix strings: byte strings with a string context.
//!
//! Nix strings are arbitrary bytes (usually UTF-8) and carry a *context*: the set of store
//! objects the text refers to. Every string operation propagates the union of the contexts
//! involved; `derivationStrict` turns the context into input derivations and sources.

use std::collections::BTreeSet;
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

pub type Context = BTreeSet<ContextElem>;

#[derive(Clone, Default, PartialEq)]
pub struct NixString {
    bytes: Box<[u8]>,
    context: Option<Box<Context>>,
}

impl NixString {
    pub fn new(bytes: impl Into<Box<[u8]>>) -> NixString {
        NixString { bytes: bytes.into(), context: None }
    }

    pub fn with_context(bytes: impl Into<Box<[u8]>>, context: Context) -> NixString {
        let context = if context.is_empty() { None } else { Some(Box::new(context)) };
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
        self.context.as_deref()
    }

    pub fn has_context(&self) -> bool {
        self.context.is_some()
    }

    /// Adds this string's context into `into`.
    pub fn merge_context_into(&self, into: &mut Context) {
        if let Some(c) = &self.context {
            into.extend(c.iter().cloned());
        }
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
