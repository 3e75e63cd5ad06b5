//! Freeing the frame of a finished `let` that its own bindings point back at.
//!
//! Values are reference counted, and a `let` frame is often part of a cycle: a local
//! function's closure captures the frame that holds it (`let f = x: …; in …`), and an
//! unforced binding's thunk, or a list of them, points at the frame its slot is in
//! (`let xs = [ (i + 1) ]; in …`). Without help such a frame, and everything it holds,
//! would live until the process ends: a loop whose body has a `let` with a helper
//! function grew by hundreds of bytes per iteration.
//!
//! When the `let` body is done, the frame is checked once: if every reference to it but
//! the machine's own comes from an object that only one of its slots holds (directly, or
//! through lists, sets and forced thunks that only that slot holds), nothing outside can
//! reach the frame or those objects, and the slots are cleared, which frees the lot. A
//! frame the result still uses (a returned closure or thunk, a set of thunks over the
//! bindings) is referenced from outside and left alone. The walk is bounded, so the check
//! costs little; cycles it does not see are left as before.

use super::env::Env;
use super::shared::Shared;
use super::thunk::{Pending, SharedApply};
use super::value::Value;

/// Values looked at per frame, at most.
const BUDGET: usize = 64;

/// Drops the machine's reference to a finished `let` frame, first breaking the cycles its
/// own slots form with it when nothing else references it.
#[inline]
pub fn release(frame: Env) {
    // Most frames are referenced by nothing else by now and are simply dropped.
    if frame.count() > 1 {
        break_cycles(&frame);
    }
}

#[inline(never)]
fn break_cycles(frame: &Env) {
    let mut budget = BUDGET;
    let mut internal = 0;
    for i in 0..frame.len() {
        internal += refs_back(frame, frame.get(i), &mut budget);
        if budget == 0 {
            return;
        }
    }
    if 1 + internal == frame.count() as usize {
        // SAFETY: every reference to the frame is ours or held by an object that only the
        // frame's own slots reach: the frame is unreachable from outside.
        unsafe { frame.clear_unreachable() }
    }
}

/// How many references to `frame` objects held only by `v` hold (`v` itself counts when
/// only its holder holds it).
fn refs_back(frame: &Env, v: &Value, budget: &mut usize) -> usize {
    if *budget == 0 {
        return 0;
    }
    *budget -= 1;
    match v {
        Value::Lambda(c) if Shared::strong_count(c) == 1 => Env::ptr_eq(&c.env, frame) as usize,
        Value::Thunk(t) if Shared::strong_count(t) == 1 => match (t.pending(), t.value()) {
            (Some(Pending::Code(_, env)), _) => Env::ptr_eq(env, frame) as usize,
            (_, Some(v)) => refs_back(frame, v, budget),
            _ => 0,
        },
        Value::List(l) if Shared::strong_count(l) == 1 => list_refs_back(frame, l, budget),
        Value::Attrs(a) if Shared::strong_count(a) == 1 => match a.flat_entries() {
            Some(entries) => entries.iter().map(|attr| refs_back(frame, &attr.value, budget)).sum(),
            None => 0,
        },
        _ => 0,
    }
}

/// As [`refs_back`], for the items of a list only its holder holds. The unforced elements
/// of `map f xs` share one record of the function and of `xs`: it (`f`, and `xs` if only
/// the record holds it) counts when this list's elements are all that hold it.
fn list_refs_back(frame: &Env, items: &[Value], budget: &mut usize) -> usize {
    // The distinct records seen (a list rarely mixes more than one), with how many
    // references to each exist and how many of this list's elements hold one: a fixed
    // array, as this runs at `let` exits.
    let mut shared_functions: [Option<(&SharedApply, usize, usize)>; 4] = [None; 4];
    let mut refs = 0;
    for item in items {
        let pending = match item {
            Value::Thunk(t) if Shared::strong_count(t) == 1 => t.pending(),
            _ => None,
        };
        let Some(Pending::ApplyShared(shared, holders, _)) = pending else {
            refs += refs_back(frame, item, budget);
            continue;
        };
        if *budget == 0 {
            return refs;
        }
        *budget -= 1;
        for entry in shared_functions.iter_mut() {
            match entry {
                Some((seen, _, held_here)) if std::ptr::eq(*seen, shared) => *held_here += 1,
                Some(_) => continue,
                None => *entry = Some((shared, holders, 1)),
            }
            break;
        }
    }
    for (shared, holders, held_here) in shared_functions.into_iter().flatten() {
        if holders == held_here {
            refs += refs_back(frame, &shared.f, budget);
            if let Some(xs) = shared.items.as_ref().filter(|xs| Shared::strong_count(xs) == 1) {
                refs += list_refs_back(frame, xs, budget);
            }
        }
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::env::Frame;
    use crate::eval::ir::Ir;
    use crate::eval::thunk::ThunkCell;
    use std::rc::Rc;

    /// A string value and a way to see how many holders it has.
    fn observed() -> (Value, impl Fn() -> usize) {
        let v = Value::string("held by the frame");
        let probe = v.clone();
        (v, move || match &probe {
            Value::String(s) => Shared::strong_count(s) - 1,
            _ => unreachable!(),
        })
    }

    fn code() -> &'static Ir {
        Box::leak(Box::new(Ir::Const(Value::Int(1))))
    }

    #[test]
    fn a_frame_only_its_own_thunks_reach_is_freed() {
        let (v, holders) = observed();
        let frame = Frame::with_size(None, 3);
        frame.set(0, v);
        frame.set(1, ThunkCell::code(code(), frame.clone()));
        frame.set(2, Value::list(vec![ThunkCell::code(code(), frame.clone()), Value::Int(2)]));
        assert_eq!(holders(), 1);
        release(frame);
        assert_eq!(holders(), 0, "the frame, its thunk and its list were freed");
    }

    #[test]
    fn a_frame_reachable_from_outside_is_left_alone() {
        let (v, holders) = observed();
        let frame = Frame::with_size(None, 2);
        frame.set(0, v);
        let thunk = ThunkCell::code(code(), frame.clone());
        frame.set(1, thunk.clone());
        release(frame);
        assert_eq!(holders(), 1, "the thunk outside still reaches the frame");
        let Value::Thunk(t) = &thunk else { unreachable!() };
        assert!(matches!(t.pending(), Some(Pending::Code(_, env)) if matches!(env.get(0), Value::String(_))));
    }

    #[test]
    fn map_elements_sharing_a_function_that_points_back_are_counted_once() {
        let (v, holders) = observed();
        let frame = Frame::with_size(None, 2);
        frame.set(0, v);
        let span = crate::diag::source_map::Span::new(crate::diag::source_map::FileId(0), 0, 0);
        let shared = Rc::new(SharedApply { f: ThunkCell::code(code(), frame.clone()), span, items: None });
        let mapped = (0..3).map(|i| ThunkCell::apply_shared(&shared, i)).collect();
        drop(shared);
        frame.set(1, Value::list(mapped));
        release(frame);
        assert_eq!(holders(), 0, "the frame, the mapped list and its function were freed");
    }
}
