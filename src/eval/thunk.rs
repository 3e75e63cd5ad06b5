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
//! a `shared::Shared` rather than an `Rc`: thunks are never weakly held, and dropping
//! `Rc`'s weak count brings one from 40 bytes (which the allocator serves from its 48-byte
//! size class) to 32: a third less memory per thunk.

use std::cell::UnsafeCell;
use std::rc::Rc;

use crate::diag::source_map::Span;

use super::env::Env;
use super::ir::Ir;
use super::shared::{Counted, Kind, Shared};
use super::value::Value;

/// A counted reference to a [`ThunkCell`]: the same counted pointer as every other
/// payload of a `Value` (so that cloning and dropping values need no dispatch on the
/// variant), which has no weak count: a thunk is 32 bytes with its header.
pub type Thunk = Shared<ThunkCell>;

// SAFETY: `shared::free` drops `Kind::Thunk` allocations as thunk cells.
unsafe impl Counted for ThunkCell {
    const KIND: Kind = Kind::Thunk;
}

// The header word and the three-word state: the 32-byte size class.
const _: () = assert!(std::mem::size_of::<ThunkCell>() == 24);

/// A deferred computation a builtin needs, run with the evaluator. It is `Fn`, not `FnOnce`,
/// so that a failed (or interrupted) forcing can put it back and a later forcing runs it
/// again.
pub type NativeWork = Box<dyn Fn(&super::Evaluator) -> super::error::EvalResult<Value>>;

pub enum Delayed {
    /// Evaluate `code` in `env`.
    Code(&'static Ir, Env),
    /// Apply a function shared by many thunks to this thunk's own argument: `map f xs` and
    /// `genList f n` make one of these per element, all pointing at one `SharedApply`, so
    /// an element costs one small allocation and no frame until it is forced.
    ApplyShared(Rc<SharedApply>, Value),
    /// `f name value` for entry `i` of a set `mapAttrs` maps: one of these per attribute,
    /// all pointing at one [`SharedMapAttrs`]. The name string and the call are made only
    /// if the value is forced, and an unforced attribute costs one small allocation (a
    /// boxed closure holding the function, name and value cost three).
    MapAttr(Rc<SharedMapAttrs>, u32),
    /// Any other deferred computation a builtin needs.
    Native(NativeWork),
}

/// The function (and call site, for traces) of a family of [`Delayed::ApplyShared`] thunks.
pub struct SharedApply {
    pub f: Value,
    pub span: Span,
}

/// The function, call site and source set of a family of [`Delayed::MapAttr`] thunks.
/// `source.iter()` is the entries in symbol order (for a layered set, its cached flattened
/// copy), which the thunks index.
pub struct SharedMapAttrs {
    pub f: Value,
    pub span: Span,
    pub source: super::shared::Shared<super::attrs::Attrs>,
}

// Every thunk is a header word and this state: keep it at three words (the shared
// application fits because `Value`'s tag leaves room for the other variants' tags).
const _: () = assert!(std::mem::size_of::<ThunkState>() == 24);

pub enum ThunkState {
    Delayed(Delayed),
    /// Being forced; forcing it again is infinite recursion.
    Blackhole,
    Done(Value),
}

pub struct ThunkCell {
    state: UnsafeCell<ThunkState>,
}

impl Drop for ThunkCell {
    fn drop(&mut self) {
        // A value or an environment can own arbitrarily deep data.
        match self.state.get_mut() {
            ThunkState::Blackhole => {}
            // A value others still hold only loses a reference: no deep drop can follow.
            ThunkState::Done(v) if !v.owns_nested_alone() => {}
            state => super::value::drop_deep(std::mem::replace(state, ThunkState::Blackhole)),
        }
    }
}

impl ThunkCell {
    pub fn delayed(delayed: Delayed) -> Thunk {
        Shared::new(ThunkCell { state: UnsafeCell::new(ThunkState::Delayed(delayed)) })
    }

    pub fn code(code: &'static Ir, env: Env) -> Value {
        Value::Thunk(ThunkCell::delayed(Delayed::Code(code, env)))
    }

    pub fn apply_shared(shared: &Rc<SharedApply>, arg: Value) -> Value {
        Value::Thunk(ThunkCell::delayed(Delayed::ApplyShared(shared.clone(), arg)))
    }

    pub fn native(f: impl Fn(&super::Evaluator) -> super::error::EvalResult<Value> + 'static) -> Value {
        Value::Thunk(ThunkCell::delayed(Delayed::Native(Box::new(f))))
    }

    /// The value if already computed.
    #[inline(always)]
    pub fn value(&self) -> Option<&Value> {
        // SAFETY: the state is only replaced by `begin`/`finish`/`restore`, which the machine
        // calls while no reference obtained here is alive (it clones the value out).
        match unsafe { &*self.state.get() } {
            ThunkState::Done(v) => Some(v),
            _ => None,
        }
    }

    /// The delayed work, while the thunk has not been forced (printers peek at its code;
    /// `let_cycles` at what it references).
    pub fn pending(&self) -> Option<&Delayed> {
        // SAFETY: as in `value`.
        match unsafe { &*self.state.get() } {
            ThunkState::Delayed(d) => Some(d),
            _ => None,
        }
    }

    pub fn is_blackhole(&self) -> bool {
        // SAFETY: as in `value`.
        matches!(unsafe { &*self.state.get() }, ThunkState::Blackhole)
    }

    /// Takes the delayed work out and blackholes the thunk; `None` if it is already
    /// blackholed (infinite recursion) or done.
    #[inline]
    pub fn begin(&self) -> Option<Delayed> {
        // SAFETY: no reference into the state is alive across this call (see `value`).
        let state = unsafe { &mut *self.state.get() };
        match std::mem::replace(state, ThunkState::Blackhole) {
            ThunkState::Delayed(d) => Some(d),
            other => {
                *state = other;
                None
            }
        }
    }

    /// Stores the value of a thunk that `begin` blackholed.
    #[inline]
    pub fn finish(&self, value: Value) {
        // SAFETY: as in `begin`. The state is `Blackhole` (set by `begin`), which owns
        // nothing, so overwriting it without dropping it leaks nothing.
        unsafe {
            debug_assert!(matches!(*self.state.get(), ThunkState::Blackhole));
            std::ptr::write(self.state.get(), ThunkState::Done(value))
        }
    }

    /// Puts the work back after a failure.
    pub fn restore(&self, delayed: Delayed) {
        // SAFETY: as in `begin`.
        unsafe { *self.state.get() = ThunkState::Delayed(delayed) }
    }
}
