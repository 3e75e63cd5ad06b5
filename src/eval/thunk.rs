//! Thunks: shared, lazily evaluated values.
//!
//! A thunk starts as delayed work (code in an environment, or a function application made
//! lazily by a builtin such as `map`). Forcing it marks it as *blackholed* while the work
//! runs, so a thunk that demands itself is detected as infinite recursion instead of
//! overflowing the stack; the result then replaces the work and is shared by every holder.
//! If the work fails the thunk goes back to its delayed state, so `tryEval` and the REPL can
//! force it again later and see the same error rather than a spurious recursion.
//!
//! A thunk is the most numerous object of an evaluation (a package set or a module system
//! makes millions, most never forced), so its size is the evaluator's memory. `Thunk` is
//! a `shared::Shared` rather than an `Rc` (no weak count), and its state is two words, so
//! that with the header a thunk is 24 bytes, the allocator's 24-byte size class. The state
//! is a `Value` once forced; before that, the first byte (where a `Value` keeps its tag)
//! holds a tag no `Value` uses, and the rest of the two words the delayed work: code (the
//! IR pointer packed above the tag, the environment in the second word), or a shared
//! function record and an index (`map`, `genList`, `mapAttrs`), or a boxed closure.

use std::cell::UnsafeCell;
use std::mem::ManuallyDrop;
use std::rc::Rc;

use crate::diag::source_map::Span;

use super::env::Env;
use super::ir::Ir;
use super::shared::{Counted, Kind, Shared};
use super::value::{List, Value};

/// A counted reference to a [`ThunkCell`]: the same counted pointer as every other
/// payload of a `Value` (so that cloning and dropping values need no dispatch on the
/// variant).
pub type Thunk = Shared<ThunkCell>;

// SAFETY: `shared::free` drops `Kind::Thunk` allocations as thunk cells.
unsafe impl Counted for ThunkCell {
    const KIND: Kind = Kind::Thunk;
}

// The header word and the two-word state: the 24-byte size class.
const _: () = assert!(std::mem::size_of::<ThunkCell>() == 16);

/// A deferred computation a builtin needs, run with the evaluator. It is `Fn`, not `FnOnce`,
/// so that a failed (or interrupted) forcing can put it back and a later forcing runs it
/// again.
pub type NativeWork = Box<dyn Fn(&super::Evaluator) -> super::error::EvalResult<Value>>;

/// A thunk's delayed work, taken out of it while it runs.
pub enum Delayed {
    /// Evaluate `code` in `env`.
    Code(&'static Ir, Env),
    /// Apply a function shared by many thunks to argument `i` of the family (see
    /// [`SharedApply`]): `map f xs` and `genList f n` make one of these per element, so an
    /// element costs one small allocation and no frame until it is forced.
    ApplyShared(Rc<SharedApply>, usize),
    /// `f name value` for entry `i` of a set `mapAttrs` maps: one of these per attribute,
    /// all pointing at one [`SharedMapAttrs`]. The name string and the call are made only
    /// if the value is forced.
    MapAttr(Rc<SharedMapAttrs>, usize),
    /// Any other deferred computation a builtin needs (boxed twice, to fit one word).
    Native(Box<NativeWork>),
}

/// The function (and call site, for traces) of a family of [`Delayed::ApplyShared`]
/// thunks, and their arguments: the items of the list `map` maps, or for `genList` the
/// index itself.
pub struct SharedApply {
    pub f: Value,
    pub span: Span,
    pub items: Option<Shared<List>>,
}

impl SharedApply {
    /// The argument of the family's thunk `i`.
    pub fn arg(&self, i: usize) -> Value {
        match &self.items {
            Some(items) => items[i].clone(),
            None => Value::Int(i as i64),
        }
    }
}

/// The function, call site and source set of a family of [`Delayed::MapAttr`] thunks.
/// `source.iter()` is the entries in symbol order (for a layered set, its cached flattened
/// copy), which the thunks index.
pub struct SharedMapAttrs {
    pub f: Value,
    pub span: Span,
    pub source: super::shared::Shared<super::attrs::Attrs>,
}

/// A thunk's work as `let_cycles` and the printers look at it, without taking it out.
pub enum Pending<'a> {
    Code(&'static Ir, &'a Env),
    /// The family's record, how many references to it exist, and this thunk's index.
    ApplyShared(&'a SharedApply, usize, usize),
    Other,
}

/// The state's tags that no `Value` tag equals (a `Value`'s tags are below `0x80`).
const BLACKHOLE: u8 = 0x80;
const CODE: u8 = 0x81;
const APPLY: u8 = 0x82;
const MAP_ATTR: u8 = 0x83;
const NATIVE: u8 = 0x84;

/// The two words of a thunk's state: a `Value`, or a tag and the delayed work.
#[repr(C)]
union State {
    value: ManuallyDrop<Value>,
    words: [usize; 2],
}

const _: () = assert!(std::mem::size_of::<Value>() == 16 && std::mem::align_of::<Value>() == 8);

/// The first word of a non-`Value` state: `tag` in the first byte (where a `Value` has
/// its tag), `payload` (below 2^56: a user-space address or an index) in the rest.
#[inline(always)]
fn first_word(tag: u8, payload: usize) -> usize {
    assert!(payload >> 56 == 0, "a thunk's payload fits in 56 bits");
    if cfg!(target_endian = "little") {
        payload << 8 | tag as usize
    } else {
        (tag as usize) << 56 | payload
    }
}

#[inline(always)]
fn payload(word: usize) -> usize {
    if cfg!(target_endian = "little") {
        word >> 8
    } else {
        word & ((1 << 56) - 1)
    }
}

impl State {
    #[inline]
    fn encode(delayed: Delayed) -> State {
        let words = match delayed {
            Delayed::Code(ir, env) => [first_word(CODE, ir as *const Ir as usize), Env::into_raw(env)],
            Delayed::ApplyShared(shared, i) => [first_word(APPLY, i), Rc::into_raw(shared) as usize],
            Delayed::MapAttr(shared, i) => [first_word(MAP_ATTR, i), Rc::into_raw(shared) as usize],
            Delayed::Native(work) => [first_word(NATIVE, 0), Box::into_raw(work) as usize],
        };
        State { words }
    }

    const fn blackhole() -> State {
        State {
            words: [if cfg!(target_endian = "little") { BLACKHOLE as usize } else { (BLACKHOLE as usize) << 56 }, 0],
        }
    }
}

pub struct ThunkCell {
    state: UnsafeCell<State>,
}

impl Drop for ThunkCell {
    fn drop(&mut self) {
        match self.tag() {
            BLACKHOLE => {}
            tag if tag < BLACKHOLE => {
                // SAFETY: the state is a value (its tag is a `Value`'s), owned here.
                let v = unsafe { ManuallyDrop::take(&mut self.state.get_mut().value) };
                // A value others still hold only loses a reference: no deep drop can follow.
                if v.owns_nested_alone() {
                    super::value::drop_deep(v);
                }
            }
            // SAFETY: the state is delayed work, owned here; the cell is not used again.
            _ => super::value::drop_deep(unsafe { self.take_delayed() }),
        }
    }
}

impl ThunkCell {
    pub fn delayed(delayed: Delayed) -> Thunk {
        Shared::new(ThunkCell { state: UnsafeCell::new(State::encode(delayed)) })
    }

    /// The most frequent thunk: made directly in its encoded form (inline everywhere: a
    /// call costs as much as the encoding).
    #[inline(always)]
    pub fn code(code: &'static Ir, env: Env) -> Value {
        let state = State { words: [first_word(CODE, code as *const Ir as usize), Env::into_raw(env)] };
        Value::Thunk(Shared::new(ThunkCell { state: UnsafeCell::new(state) }))
    }

    /// Thunk `i` of the family `shared` describes.
    pub fn apply_shared(shared: &Rc<SharedApply>, i: usize) -> Value {
        Value::Thunk(ThunkCell::delayed(Delayed::ApplyShared(shared.clone(), i)))
    }

    pub fn native(f: impl Fn(&super::Evaluator) -> super::error::EvalResult<Value> + 'static) -> Value {
        Value::Thunk(ThunkCell::delayed(Delayed::Native(Box::new(Box::new(f)))))
    }

    /// The state's tag: a `Value`'s tag, or one of the delayed and blackhole tags.
    #[inline(always)]
    fn tag(&self) -> u8 {
        // SAFETY: the first byte of the state is always initialised (a `Value`'s tag or a
        // tag written by `first_word`); `repr(u8)` puts a `Value`'s tag there.
        unsafe { *(self.state.get() as *const u8) }
    }

    /// The words of the state (for decoding delayed work).
    #[inline(always)]
    fn words(&self) -> [usize; 2] {
        // SAFETY: called only for delayed states, whose two words are plain integers.
        unsafe { (*self.state.get()).words }
    }

    /// Moves the delayed work out, leaving the state's words to be overwritten.
    ///
    /// # Safety
    /// The state must be delayed work, and must not be read as such afterwards.
    unsafe fn take_delayed(&self) -> Delayed {
        let [first, second] = self.words();
        match self.tag() {
            CODE => Delayed::Code(&*(payload(first) as *const Ir), Env::from_raw(second)),
            APPLY => Delayed::ApplyShared(Rc::from_raw(second as *const SharedApply), payload(first)),
            MAP_ATTR => Delayed::MapAttr(Rc::from_raw(second as *const SharedMapAttrs), payload(first)),
            _ => Delayed::Native(Box::from_raw(second as *mut NativeWork)),
        }
    }

    /// The value if already computed.
    #[inline(always)]
    pub fn value(&self) -> Option<&Value> {
        // SAFETY: the state is only replaced by `begin`/`finish`/`restore`, which the machine
        // calls while no reference obtained here is alive (it clones the value out).
        (self.tag() < BLACKHOLE).then(|| unsafe { &*(*self.state.get()).value })
    }

    /// The delayed work, while the thunk has not been forced (printers peek at its code;
    /// `let_cycles` at what it references).
    pub fn pending(&self) -> Option<Pending<'_>> {
        let [first, second] = match self.tag() {
            CODE | APPLY | MAP_ATTR | NATIVE => self.words(),
            _ => return None,
        };
        Some(match self.tag() {
            CODE => {
                // SAFETY: a code state holds an `&'static Ir` and an `Env` the thunk owns,
                // which lives (unchanged) as long as this borrow of the thunk.
                let env = unsafe { &*(&(*self.state.get()).words[1] as *const usize as *const Env) };
                Pending::Code(unsafe { &*(payload(first) as *const Ir) }, env)
            }
            APPLY => {
                // SAFETY: an apply state holds a reference to the family's record, alive as
                // long as the state is; the `Rc` made here is not dropped.
                let shared = ManuallyDrop::new(unsafe { Rc::from_raw(second as *const SharedApply) });
                let holders = Rc::strong_count(&shared);
                Pending::ApplyShared(unsafe { &*(second as *const SharedApply) }, holders, payload(first))
            }
            _ => Pending::Other,
        })
    }

    pub fn is_blackhole(&self) -> bool {
        self.tag() == BLACKHOLE
    }

    /// Takes the delayed work out and blackholes the thunk; `None` if it is already
    /// blackholed (infinite recursion) or done.
    #[inline]
    pub fn begin(&self) -> Option<Delayed> {
        if self.tag() <= BLACKHOLE {
            return None;
        }
        // SAFETY: the state is delayed work (checked), moved out and replaced at once; no
        // reference into the state is alive across this call (see `value`).
        unsafe {
            let work = self.take_delayed();
            std::ptr::write(self.state.get(), State::blackhole());
            Some(work)
        }
    }

    /// Stores the value of a thunk that `begin` blackholed.
    #[inline]
    pub fn finish(&self, value: Value) {
        debug_assert!(self.is_blackhole());
        // SAFETY: as in `begin`. The state is a blackhole, which owns nothing.
        unsafe { std::ptr::write(self.state.get(), State { value: ManuallyDrop::new(value) }) }
    }

    /// Puts the work back after a failure.
    pub fn restore(&self, delayed: Delayed) {
        debug_assert!(self.is_blackhole());
        // SAFETY: as in `finish`.
        unsafe { std::ptr::write(self.state.get(), State::encode(delayed)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::env::Frame;

    #[test]
    fn every_state_round_trips() {
        let ir: &'static Ir = Box::leak(Box::new(Ir::Const(Value::Int(7))));
        let frame = Frame::single(None, Value::Int(1));
        let t = ThunkCell::delayed(Delayed::Code(ir, frame.clone()));
        assert_eq!(frame.count(), 2);
        assert!(
            matches!(t.pending(), Some(Pending::Code(code, env)) if std::ptr::eq(code, ir) && Env::ptr_eq(env, &frame))
        );
        assert!(t.value().is_none());
        let work = t.begin().expect("delayed");
        assert!(t.is_blackhole() && t.begin().is_none() && t.pending().is_none());
        t.restore(work);
        assert!(matches!(t.pending(), Some(Pending::Code(..))));
        let work = t.begin().expect("delayed");
        drop(work);
        assert_eq!(frame.count(), 1);
        t.finish(Value::string("done"));
        assert!(matches!(t.value(), Some(Value::String(_))));
        assert!(t.begin().is_none());

        let shared = Rc::new(SharedApply {
            f: Value::Null,
            span: Span::new(crate::diag::source_map::FileId(0), 0, 0),
            items: None,
        });
        let applied = ThunkCell::apply_shared(&shared, (1 << 40) + 3);
        let Value::Thunk(a) = &applied else { unreachable!() };
        assert!(matches!(a.pending(), Some(Pending::ApplyShared(_, 2, i)) if i == (1 << 40) + 3));
        drop(applied);
        assert_eq!(Rc::strong_count(&shared), 1);

        let native = ThunkCell::native(|_| Ok(Value::Int(1)));
        let Value::Thunk(n) = &native else { unreachable!() };
        assert!(matches!(n.pending(), Some(Pending::Other)));
        assert!(matches!(n.begin(), Some(Delayed::Native(_))));
    }
}
