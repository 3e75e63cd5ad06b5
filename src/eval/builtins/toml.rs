//! TOML: `fromTOML`, parsing TOML 1.0.0 (as current CppNix does with toml11 4) through the
//! `toml` crate (whose 0.8 line implements 1.0.0; later lines accept TOML 1.1 syntax that
//! CppNix refuses).
//!
//! Tables become attrsets, arrays lists, and the scalars their Nix counterparts. Dates and
//! times are an error unless the experimental feature `parse-toml-timestamps` is on; then
//! each becomes `{ _type = "timestamp"; value = "…"; }` with the text CppNix prints for it:
//! the date/time separator is an upper-case `T`, seconds are always shown, a fraction is
//! shown with 3, 6 or 9 digits (the fewest that hold it), and a zero offset is `Z`.
//! Strings and keys may not contain NUL bytes. Every failure reads
//! `while parsing TOML: …`, as in current CppNix (2.8 said `while parsing a TOML string`).

use std::fmt::Write;

use ::toml::value::{Datetime, Offset, Time};
use ::toml::Value as Toml;

use crate::diag::source_map::Span;
use crate::symbol::Symbol;

use super::super::attrs::AttrsBuilder;
use super::super::error::{EvalError, EvalResult};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

/// The experimental feature that turns dates and times into `timestamp` sets.
pub const TIMESTAMPS_FEATURE: &str = "parse-toml-timestamps";

#[cold]
fn toml_error(message: impl std::fmt::Display) -> EvalError {
    EvalError::msg(format!("while parsing TOML: {message}"))
}

/// CppNix's `forceNoNullByte`, for keys and strings.
fn no_nul(s: &str) -> EvalResult<()> {
    if s.contains('\0') {
        return Err(toml_error(format_args!(
            "input string '{}' cannot be represented as Nix string because it contains null bytes",
            s.replace('\0', "\u{2400}")
        )));
    }
    Ok(())
}

/// `HH:MM:SS` with the fraction in 0, 3, 6 or 9 digits.
fn write_time(out: &mut String, t: &Time) {
    let _ = write!(out, "{:02}:{:02}:{:02}", t.hour, t.minute, t.second);
    let ns = t.nanosecond;
    if ns == 0 {
        return;
    }
    if ns.is_multiple_of(1_000_000) {
        let _ = write!(out, ".{:03}", ns / 1_000_000);
    } else if ns.is_multiple_of(1_000) {
        let _ = write!(out, ".{:06}", ns / 1_000);
    } else {
        let _ = write!(out, ".{ns:09}");
    }
}

/// The text CppNix gives a TOML date/time (toml11's output after Nix's normalisation).
pub fn timestamp_text(dt: &Datetime) -> String {
    let mut out = String::new();
    if let Some(d) = &dt.date {
        let _ = write!(out, "{:04}-{:02}-{:02}", d.year, d.month, d.day);
    }
    if let Some(t) = &dt.time {
        if dt.date.is_some() {
            out.push('T');
        }
        write_time(&mut out, t);
    }
    match dt.offset {
        None => {}
        Some(Offset::Z) | Some(Offset::Custom { minutes: 0 }) => out.push('Z'),
        Some(Offset::Custom { minutes }) => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let m = minutes.unsigned_abs();
            let _ = write!(out, "{sign}{:02}:{:02}", m / 60, m % 60);
        }
    }
    out
}

fn convert(ev: &Evaluator, v: Toml, timestamps: bool) -> EvalResult<Value> {
    Ok(match v {
        Toml::String(s) => {
            no_nul(&s)?;
            Value::string(s)
        }
        Toml::Integer(i) => Value::Int(i),
        Toml::Float(f) => Value::Float(f),
        Toml::Boolean(b) => Value::Bool(b),
        Toml::Datetime(dt) => {
            if !timestamps {
                return Err(toml_error("Dates and times are not supported"));
            }
            let mut b = AttrsBuilder::with_capacity(2);
            b.insert(Symbol::intern("_type"), Value::string("timestamp"));
            b.insert(ev.syms.value, Value::string(timestamp_text(&dt)));
            Value::attrs(b.finish())
        }
        Toml::Array(items) => {
            Value::list(items.into_iter().map(|i| convert(ev, i, timestamps)).collect::<EvalResult<_>>()?)
        }
        Toml::Table(table) => {
            let mut b = AttrsBuilder::with_capacity(table.len());
            for (k, v) in table {
                no_nul(&k)?;
                let v = crate::eval::stack::maybe_grow(64 * 1024, 1024 * 1024, || convert(ev, v, timestamps))?;
                b.insert(Symbol::intern(&k), v);
            }
            Value::attrs(b.finish())
        }
    })
}

/// Parses a TOML document into a Nix value.
pub fn from_toml_text(ev: &Evaluator, text: &[u8]) -> EvalResult<Value> {
    let text = std::str::from_utf8(text).map_err(|e| toml_error(format_args!("invalid UTF-8: {e}")))?;
    let table: ::toml::Table = text.parse().map_err(|e: ::toml::de::Error| toml_error(e.to_string().trim_end()))?;
    let timestamps = ev.settings.experimental_features.iter().any(|f| f == TIMESTAMPS_FEATURE);
    convert(ev, Toml::Table(table), timestamps)
}

fn prim_from_toml(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_string_no_ctx(arg("fromTOML", args, 0))?;
    from_toml_text(ev, s.as_bytes())
}

pub const PRIMOPS: &[PrimOp] = &[PrimOp {
    name: "fromTOML",
    arity: 1,
    func: prim_from_toml,
    args: &["e"],
    doc: "Parses the TOML 1.0 document `e` into a Nix value: tables become sets, arrays lists. `fromTOML \"x = 1\\n[t]\\ny = 2\"` is `{ t = { y = 2; }; x = 1; }`. Dates and times need the experimental feature `parse-toml-timestamps` and become `{ _type = \"timestamp\"; value = \"…\"; }`.",
}];

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        let t: ::toml::Table = format!("x = {s}").parse().expect("valid TOML");
        match &t["x"] {
            Toml::Datetime(dt) => timestamp_text(dt),
            other => panic!("not a datetime: {other:?}"),
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(text("1979-05-27T07:32:00Z"), "1979-05-27T07:32:00Z");
        assert_eq!(text("1979-05-27 07:32:00.5+01:30"), "1979-05-27T07:32:00.500+01:30");
        assert_eq!(text("1979-05-27t07:32:00.0001"), "1979-05-27T07:32:00.000100");
        assert_eq!(text("1979-05-27T07:32:00.123456789-00:00"), "1979-05-27T07:32:00.123456789Z");
        assert_eq!(text("1979-05-27T00:32:00-07:00"), "1979-05-27T00:32:00-07:00");
        assert_eq!(text("07:32:00.123456"), "07:32:00.123456");
        assert_eq!(text("1979-05-27"), "1979-05-27");
    }
}
