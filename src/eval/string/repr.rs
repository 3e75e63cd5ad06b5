//! The storage behind a string [`Context`](super::Context): a sorted vector, the
//! compact form strings keep, or a set, the form a context takes while many sources are
//! added to it (adding to a sorted vector one element at a time would be quadratic).

use std::collections::BTreeSet;

use super::ContextElem;

#[derive(Clone, Debug)]
pub enum Elems {
    /// Sorted by `ContextElem`'s `Ord`, without duplicates.
    Sorted(Box<[ContextElem]>),
    Set(BTreeSet<ContextElem>),
}

impl Default for Elems {
    fn default() -> Elems {
        Elems::Sorted(Box::default())
    }
}

impl Elems {
    pub fn len(&self) -> usize {
        match self {
            Elems::Sorted(v) => v.len(),
            Elems::Set(s) => s.len(),
        }
    }

    pub fn is_set(&self) -> bool {
        matches!(self, Elems::Set(_))
    }

    pub fn contains(&self, elem: &ContextElem) -> bool {
        match self {
            Elems::Sorted(v) => v.binary_search(elem).is_ok(),
            Elems::Set(s) => s.contains(elem),
        }
    }

    pub fn iter(&self) -> Iter<'_> {
        match self {
            Elems::Sorted(v) => Iter::Sorted(v.iter()),
            Elems::Set(s) => Iter::Set(s.iter()),
        }
    }

    /// The elements as a set, converting a vector first.
    pub fn as_set(&mut self) -> &mut BTreeSet<ContextElem> {
        if let Elems::Sorted(v) = self {
            *self = Elems::Set(std::mem::take(v).into_vec().into_iter().collect());
        }
        match self {
            Elems::Set(s) => s,
            Elems::Sorted(_) => unreachable!("converted above"),
        }
    }

    /// The elements as a sorted vector.
    pub fn into_sorted(self) -> Box<[ContextElem]> {
        match self {
            Elems::Sorted(v) => v,
            Elems::Set(s) => s.into_iter().collect(),
        }
    }
}

/// An iterator over [`Elems`], in order.
pub enum Iter<'a> {
    Sorted(std::slice::Iter<'a, ContextElem>),
    Set(std::collections::btree_set::Iter<'a, ContextElem>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a ContextElem;

    #[inline]
    fn next(&mut self) -> Option<&'a ContextElem> {
        match self {
            Iter::Sorted(i) => i.next(),
            Iter::Set(i) => i.next(),
        }
    }
}
