//! List builtins: `length head tail elemAt map filter foldl' genList concatLists concatMap
//! elem any all sort partition groupBy genericClosure`.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::diag::source_map::Span;
use crate::symbol::Symbol;

use super::super::attrs::AttrsBuilder;
use super::super::error::{EvalError, EvalResult};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

fn length(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    Ok(Value::Int(ev.arg_list(arg("length", args, 0))?.len() as i64))
}

fn head(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let l = ev.arg_list(arg("head", args, 0))?;
    match l.first() {
        Some(v) => ev.force(v),
        None => Err(EvalError::msg("'builtins.head' called on an empty list")),
    }
}

fn tail(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let l = ev.arg_list(arg("tail", args, 0))?;
    if l.is_empty() {
        return Err(EvalError::msg("'builtins.tail' called on an empty list"));
    }
    Ok(Value::list(l[1..].to_vec()))
}

fn elem_at(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let n = ev.arg_int(arg("elemAt", args, 1))?;
    let l = ev.arg_list(arg("elemAt", args, 0))?;
    if n < 0 || n as usize >= l.len() {
        return Err(EvalError::msg(format!("'builtins.elemAt' called with index {n} on a list of size {}", l.len())));
    }
    ev.force(&l[n as usize])
}

fn map(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let l = ev.arg_list(arg("map", args, 1))?;
    if l.is_empty() {
        return Ok(Value::List(l));
    }
    let f = ev.arg_function(arg("map", args, 0))?;
    let apply = ev.lazy_applications(&f, span, Some(l.clone()));
    Ok(Value::list((0..l.len()).map(apply).collect()))
}

/// Calls a predicate and insists on a Boolean result.
fn predicate(ev: &Evaluator, f: &Value, x: &Value, span: Span, builtin: &str) -> EvalResult<bool> {
    match ev.call(f, x.clone(), span)? {
        Value::Bool(b) => Ok(b),
        other => Err(EvalError::msg(format!(
            "expected a Boolean but found {}: {}",
            other.type_description(),
            ev.show_short(&other)
        ))
        .with_frame(
            None,
            format!("while evaluating the return value of the filtering function passed to builtins.{builtin}"),
        )),
    }
}

fn filter(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    // As in CppNix, an empty list is returned before the predicate is looked at.
    let l = ev.arg_list(arg("filter", args, 1))?;
    if l.is_empty() {
        return Ok(Value::List(l));
    }
    let f = ev.arg_function(arg("filter", args, 0))?;
    let mut out = Vec::new();
    let mut all = true;
    for x in l.iter() {
        if predicate(ev, &f, x, span, "filter")? {
            out.push(x.clone());
        } else {
            all = false;
        }
    }
    Ok(if all { Value::List(l) } else { Value::list(out) })
}

fn foldl_strict(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    // The operator is checked first, then the list (CppNix's order).
    let f = ev.arg_function(arg("foldl'", args, 0))?;
    let l = ev.arg_list(arg("foldl'", args, 2))?;
    // The initial accumulator is not forced: each step's result is, so it is forced only if
    // the operator uses it (and for an empty list, when the caller uses the result).
    if l.is_empty() {
        return ev.force(&args[1]);
    }
    let mut acc = args[1].clone();
    for x in l.iter() {
        acc = ev.call2(&f, acc, x.clone(), span)?;
    }
    Ok(acc)
}

fn gen_list(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let n = ev.arg_int(arg("genList", args, 1))?;
    if n < 0 {
        return Err(EvalError::msg(format!("cannot create list of size {n}")));
    }
    // Current CppNix checks the generator even for an empty list.
    let f = ev.arg_function(arg("genList", args, 0))?;
    if n == 0 {
        return Ok(Value::list(Vec::new()));
    }
    let apply = ev.lazy_applications(&f, span, None);
    let mut items = Vec::new();
    // The program chose the size: refuse one that cannot be had, with a location, before
    // spending any time on it (CppNix runs out of memory too, only later).
    if crate::allocator::try_reserve(&mut items, n as usize).is_err() {
        return Err(EvalError::eval(format!("out of memory: cannot allocate a list of {n} elements"), span));
    }
    for i in 0..n {
        // Building a huge list makes no calls: look for Ctrl-C here too.
        if i & 0xffff == 0 {
            ev.check_interrupt()?;
        }
        items.push(apply(i as usize));
    }
    Ok(Value::list(items))
}

fn concat_lists(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let l = ev.arg_list(arg("concatLists", args, 0))?;
    let mut out = Vec::new();
    for x in l.iter() {
        match ev.force(x)? {
            Value::List(inner) => out.extend(inner.iter().cloned()),
            other => {
                return Err(EvalError::msg(format!(
                    "expected a list but found {}: {}",
                    other.type_description(),
                    ev.show_short(&other)
                ))
                .with_frame(None, "while evaluating a value of the list passed to builtins.concatLists"))
            }
        }
    }
    Ok(Value::list(out))
}

fn concat_map(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let f = ev.arg_function(arg("concatMap", args, 0))?;
    let l = ev.arg_list(arg("concatMap", args, 1))?;
    let mut out = Vec::new();
    for x in l.iter() {
        match ev.call(&f, x.clone(), span)? {
            Value::List(inner) => out.extend(inner.iter().cloned()),
            other => {
                return Err(EvalError::msg(format!(
                    "expected a list but found {}: {}",
                    other.type_description(),
                    ev.show_short(&other)
                ))
                .with_frame(None, "while evaluating the return value of the function passed to builtins.concatMap"))
            }
        }
    }
    Ok(Value::list(out))
}

fn elem(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let l = ev.arg_list(arg("elem", args, 1))?;
    for x in l.iter() {
        if ev.equal(&args[0], x, false)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn any(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let f = ev.arg_function(arg("any", args, 0))?;
    let l = ev.arg_list(arg("any", args, 1))?;
    for x in l.iter() {
        if predicate(ev, &f, x, span, "any")? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn all(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let f = ev.arg_function(arg("all", args, 0))?;
    let l = ev.arg_list(arg("all", args, 1))?;
    for x in l.iter() {
        if !predicate(ev, &f, x, span, "all")? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

/// A stable merge sort whose comparison may fail.
fn merge_sort(items: &mut Vec<Value>, less: &mut dyn FnMut(&Value, &Value) -> EvalResult<bool>) -> EvalResult<()> {
    let n = items.len();
    if n < 2 {
        return Ok(());
    }
    // Insertion sort for short runs, then bottom-up merging.
    const RUN: usize = 16;
    let mut start = 0;
    while start < n {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && less(&items[j], &items[j - 1])? {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
        start = end;
    }
    let mut width = RUN;
    let mut buf: Vec<Value> = Vec::with_capacity(n);
    while width < n {
        buf.clear();
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                // Take from the right only if strictly less: that keeps the sort stable.
                if less(&items[j], &items[i])? {
                    buf.push(items[j].clone());
                    j += 1;
                } else {
                    buf.push(items[i].clone());
                    i += 1;
                }
            }
            buf.extend_from_slice(&items[i..mid]);
            buf.extend_from_slice(&items[j..hi]);
            lo = hi;
        }
        std::mem::swap(items, &mut buf);
        width *= 2;
    }
    Ok(())
}

fn sort(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let l = ev.arg_list(arg("sort", args, 1))?;
    if l.is_empty() {
        return Ok(Value::List(l));
    }
    let f = ev.arg_function(arg("sort", args, 0))?;
    let mut items: Vec<Value> = Vec::with_capacity(l.len());
    for x in l.iter() {
        items.push(ev.force(x)?);
    }
    let is_less_than = matches!(&f, Value::PrimOp(p) if p.name == "lessThan");
    let mut less = |a: &Value, b: &Value| -> EvalResult<bool> {
        if is_less_than {
            return Ok(ev.compare(a, b)? == Ordering::Less);
        }
        match ev.call2(&f, a.clone(), b.clone(), span)? {
            Value::Bool(r) => Ok(r),
            other => Err(EvalError::msg(format!(
                "expected a Boolean but found {}: {}",
                other.type_description(),
                ev.show_short(&other)
            ))
            .with_frame(None, "while evaluating the return value of the sorting function passed to builtins.sort")),
        }
    };
    merge_sort(&mut items, &mut less)?;
    Ok(Value::list(items))
}

fn partition(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let f = ev.arg_function(arg("partition", args, 0))?;
    let l = ev.arg_list(arg("partition", args, 1))?;
    let (mut right, mut wrong) = (Vec::new(), Vec::new());
    for x in l.iter() {
        if predicate(ev, &f, x, span, "partition")? {
            right.push(x.clone());
        } else {
            wrong.push(x.clone());
        }
    }
    let mut b = AttrsBuilder::with_capacity(2);
    b.insert(ev.syms.right, Value::list(right));
    b.insert(ev.syms.wrong, Value::list(wrong));
    Ok(Value::attrs(b.finish()))
}

fn group_by(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let f = ev.arg_function(arg("groupBy", args, 0))?;
    let l = ev.arg_list(arg("groupBy", args, 1))?;
    let mut groups: HashMap<Symbol, Vec<Value>> = HashMap::new();
    let mut order: Vec<Symbol> = Vec::new();
    for x in l.iter() {
        let key = match ev.call(&f, x.clone(), span)? {
            Value::String(s) => s.to_symbol(),
            other => {
                return Err(EvalError::msg(format!(
                    "expected a string but found {}: {}",
                    other.type_description(),
                    ev.show_short(&other)
                ))
                .with_frame(
                    None,
                    "while evaluating the return value of the grouping function passed to builtins.groupBy",
                ))
            }
        };
        groups
            .entry(key)
            .or_insert_with(|| {
                order.push(key);
                Vec::new()
            })
            .push(x.clone());
    }
    let mut b = AttrsBuilder::with_capacity(order.len());
    for key in order {
        let items = groups.remove(&key).unwrap_or_default();
        b.insert(key, Value::list(items));
    }
    Ok(Value::attrs(b.finish()))
}

fn generic_closure(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let params = ev.arg_attrs(arg("genericClosure", args, 0))?;
    let start = params.get(ev.syms.start_set).ok_or_else(|| {
        EvalError::msg("attribute 'startSet' missing")
            .with_frame(None, "in the attrset passed as argument to builtins.genericClosure")
    })?;
    let start = match ev.force(start)? {
        Value::List(l) => l,
        other => {
            return Err(EvalError::msg(format!("expected a list but found {}", other.type_description())).with_frame(
                None,
                "while evaluating the 'startSet' attribute passed as argument to builtins.genericClosure",
            ))
        }
    };
    if start.is_empty() {
        return Ok(Value::List(start));
    }
    let op = params.get(ev.syms.operator).ok_or_else(|| {
        EvalError::msg("attribute 'operator' missing")
            .with_frame(None, "in the attrset passed as argument to builtins.genericClosure")
    })?;
    let op = ev.expect_function(
        op,
        "while evaluating the 'operator' attribute passed as argument to builtins.genericClosure",
    )?;

    let mut queue: std::collections::VecDeque<Value> = start.iter().cloned().collect();
    let mut result = Vec::new();
    // Keys seen so far, sorted by Nix's ordering; comparing keys of different types is an
    // error, as in CppNix.
    let mut seen: Vec<Value> = Vec::new();
    while let Some(e) = queue.pop_front() {
        let e = ev.force(&e)?;
        let Value::Attrs(attrs) = &e else {
            return Err(EvalError::msg(format!("expected a set but found {}", e.type_description()))
                .with_frame(None, format!("in genericClosure element {}", ev.show_short(&e))));
        };
        let key = attrs.get(ev.syms.key).ok_or_else(|| {
            EvalError::msg("attribute 'key' missing")
                .with_frame(None, format!("in genericClosure element {}", ev.show_short(&e)))
        })?;
        let key = ev.force(key)?;
        let mut lo = 0;
        let mut hi = seen.len();
        let mut found = false;
        while lo < hi {
            let mid = (lo + hi) / 2;
            match ev
                // The new key on the left, as CppNix's `std::set` insertion compares.
                .compare(&key, &seen[mid])
                .map_err(|err| err.with_frame(None, format!("while comparing element {}", ev.show_short(&e))))?
            {
                Ordering::Greater => lo = mid + 1,
                Ordering::Less => hi = mid,
                Ordering::Equal => {
                    found = true;
                    break;
                }
            }
        }
        if found {
            continue;
        }
        seen.insert(lo, key);
        let next = ev.call(&op, e.clone(), span)?;
        match next {
            Value::List(items) => queue.extend(items.iter().cloned()),
            other => {
                return Err(EvalError::msg(format!("expected a list but found {}", other.type_description()))
                    .with_frame(
                        None,
                        "while evaluating the return value of the `operator` passed to builtins.genericClosure",
                    ))
            }
        }
        result.push(e);
    }
    Ok(Value::list(result))
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "length", arity: 1, func: length, args: &["e"], doc: "The number of elements of a list." },
    PrimOp {
        name: "head",
        arity: 1,
        func: head,
        args: &["list"],
        doc: "The first element of a list (an error if it is empty).",
    },
    PrimOp {
        name: "tail",
        arity: 1,
        func: tail,
        args: &["list"],
        doc: "The list without its first element (an error if it is empty).",
    },
    PrimOp {
        name: "elemAt",
        arity: 2,
        func: elem_at,
        args: &["xs", "n"],
        doc: "Element `n` of `xs`, counting from 0.",
    },
    PrimOp {
        name: "map",
        arity: 2,
        func: map,
        args: &["f", "list"],
        doc: "Applies `f` to every element of `list`, lazily.",
    },
    PrimOp {
        name: "filter",
        arity: 2,
        func: filter,
        args: &["f", "list"],
        doc: "The elements of `list` for which `f` returns true.",
    },
    PrimOp {
        name: "foldl'",
        arity: 3,
        func: foldl_strict,
        args: &["op", "nul", "list"],
        doc: "Left fold, forcing the accumulator at every step: `op (op (op nul x0) x1) …`.",
    },
    PrimOp {
        name: "genList",
        arity: 2,
        func: gen_list,
        args: &["generator", "length"],
        doc: "The list `[ (generator 0) … (generator (length - 1)) ]`.",
    },
    PrimOp {
        name: "concatLists",
        arity: 1,
        func: concat_lists,
        args: &["lists"],
        doc: "Concatenates a list of lists.",
    },
    PrimOp { name: "concatMap", arity: 2, func: concat_map, args: &["f", "list"], doc: "`concatLists (map f list)`." },
    PrimOp {
        name: "elem",
        arity: 2,
        func: elem,
        args: &["x", "xs"],
        doc: "Whether `x` is equal to an element of `xs`.",
    },
    PrimOp {
        name: "any",
        arity: 2,
        func: any,
        args: &["pred", "list"],
        doc: "Whether `pred` is true for some element.",
    },
    PrimOp {
        name: "all",
        arity: 2,
        func: all,
        args: &["pred", "list"],
        doc: "Whether `pred` is true for every element.",
    },
    PrimOp {
        name: "sort",
        arity: 2,
        func: sort,
        args: &["comparator", "list"],
        doc: "Sorts `list` stably with a less-than `comparator`.",
    },
    PrimOp {
        name: "partition",
        arity: 2,
        func: partition,
        args: &["pred", "list"],
        doc: "Splits a list into `{ right; wrong; }` by `pred`.",
    },
    PrimOp {
        name: "groupBy",
        arity: 2,
        func: group_by,
        args: &["f", "list"],
        doc: "Groups elements into an attrset keyed by the string `f` returns.",
    },
    PrimOp {
        name: "genericClosure",
        arity: 1,
        func: generic_closure,
        args: &["attrset"],
        doc: "The closure of `startSet` under `operator`, deduplicated by each element's `key`.",
    },
];
