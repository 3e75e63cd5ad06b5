//! Version strings: `compareVersions splitVersion parseDrvName`, with the rules of CppNix's
//! `names.cc` (the ones `nix-env -u` uses).
//!
//! A version is a sequence of components. Dots and dashes separate them; otherwise a run of
//! digits and a run of other bytes are separate components, so `2.3pre1` is `2 3 pre 1`.
//! Two components compare as numbers when both are numbers (that fit an `int`; a longer
//! digit run compares as text), `pre` sorts before everything, the empty component (a
//! version that ran out) sorts before a number, a number sorts after any word, and two
//! words compare bytewise. Character tests are the C locale's: ASCII only.
//!
//! All three builtins refuse strings with a context, as CppNix does.

use std::cmp::Ordering;

use crate::diag::source_map::Span;
use crate::symbol::Symbol;

use super::super::attrs::AttrsBuilder;
use super::super::error::EvalResult;
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

/// The next component of `v` from `*pos` (skipping separators), or `""` at the end.
pub fn next_component<'a>(v: &'a [u8], pos: &mut usize) -> &'a [u8] {
    while *pos < v.len() && matches!(v[*pos], b'.' | b'-') {
        *pos += 1;
    }
    let start = *pos;
    if start < v.len() && v[start].is_ascii_digit() {
        while *pos < v.len() && v[*pos].is_ascii_digit() {
            *pos += 1;
        }
    } else {
        while *pos < v.len() && !v[*pos].is_ascii_digit() && !matches!(v[*pos], b'.' | b'-') {
            *pos += 1;
        }
    }
    &v[start..*pos]
}

/// A component as a number, if it is one that fits a C `int` (CppNix's `string2Int<int>`).
fn as_number(c: &[u8]) -> Option<i32> {
    if c.is_empty() || !c.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(c).ok()?.parse().ok()
}

/// Whether component `c1` sorts before `c2`.
fn component_less(c1: &[u8], c2: &[u8]) -> bool {
    let (n1, n2) = (as_number(c1), as_number(c2));
    match (n1, n2) {
        (Some(a), Some(b)) => a < b,
        _ if c1.is_empty() && n2.is_some() => true,
        _ if c1 == b"pre" && c2 != b"pre" => true,
        _ if c2 == b"pre" => false,
        // `2.3a` < `2.3.1`: a number sorts after a word.
        (_, Some(_)) => true,
        (Some(_), _) => false,
        _ => c1 < c2,
    }
}

/// Compares two version strings.
pub fn compare_versions(v1: &[u8], v2: &[u8]) -> Ordering {
    let (mut p1, mut p2) = (0, 0);
    while p1 < v1.len() || p2 < v2.len() {
        let c1 = next_component(v1, &mut p1);
        let c2 = next_component(v2, &mut p2);
        if component_less(c1, c2) {
            return Ordering::Less;
        }
        if component_less(c2, c1) {
            return Ordering::Greater;
        }
    }
    Ordering::Equal
}

/// The components of a version (up to the first empty one).
pub fn split_version(v: &[u8]) -> Vec<&[u8]> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < v.len() {
        let c = next_component(v, &mut pos);
        if c.is_empty() {
            break;
        }
        out.push(c);
    }
    out
}

/// Splits a derivation name at the first dash that is not followed by a letter:
/// `("foo-bar", "1.0")` for `foo-bar-1.0`; no such dash means no version.
pub fn parse_drv_name(s: &[u8]) -> (&[u8], &[u8]) {
    for i in 0..s.len() {
        if s[i] == b'-' && s.get(i + 1).is_some_and(|c| !c.is_ascii_alphabetic()) {
            return (&s[..i], &s[i + 1..]);
        }
    }
    (s, b"")
}

fn prim_compare_versions(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let v1 = ev.arg_string_no_ctx(arg("compareVersions", args, 0))?;
    let v2 = ev.arg_string_no_ctx(arg("compareVersions", args, 1))?;
    Ok(Value::Int(match compare_versions(v1.as_bytes(), v2.as_bytes()) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }))
}

fn prim_split_version(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let v = ev.arg_string_no_ctx(arg("splitVersion", args, 0))?;
    Ok(Value::list(split_version(v.as_bytes()).into_iter().map(Value::string).collect()))
}

fn prim_parse_drv_name(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_string_no_ctx(arg("parseDrvName", args, 0))?;
    let (name, version) = parse_drv_name(s.as_bytes());
    let mut b = AttrsBuilder::with_capacity(2);
    b.insert(ev.syms.name, Value::string(name));
    b.insert(Symbol::intern("version"), Value::string(version));
    Ok(Value::attrs(b.finish()))
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "compareVersions", arity: 2, func: prim_compare_versions, args: &["s1", "s2"], doc: "Compares two version strings as `nix-env -u` does: `-1` if `s1` is older than `s2`, `0` if they are the same, `1` if `s1` is newer. Components are split at `.` and `-` and between digits and other characters; numbers compare numerically and `pre` sorts first." },
    PrimOp { name: "splitVersion", arity: 1, func: prim_split_version, args: &["s"], doc: "Splits a version string into its components, as `compareVersions` sees them: `splitVersion \"2.3pre1\"` is `[ \"2\" \"3\" \"pre\" \"1\" ]`." },
    PrimOp { name: "parseDrvName", arity: 1, func: prim_parse_drv_name, args: &["s"], doc: "Splits a package name into `{ name, version }` at the first dash not followed by a letter: `parseDrvName \"nix-0.12pre12876\"` is `{ name = \"nix\"; version = \"0.12pre12876\"; }`." },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare() {
        use Ordering::*;
        let cases: &[(&str, &str, Ordering)] = &[
            ("1.0", "2.3", Less),
            ("2.3.1", "2.3a", Greater),
            ("2.3pre1", "2.3", Less),
            ("1.10", "1.9", Greater),
            ("", "pre", Greater),
            ("1.99999999999", "1.2", Less),
            ("1.0", "1.0.", Equal),
            ("a", "b", Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_versions(a.as_bytes(), b.as_bytes()), *want, "{a} vs {b}");
        }
    }

    #[test]
    fn split_and_parse() {
        assert_eq!(split_version(b"1.0-pre..a-"), vec![&b"1"[..], b"0", b"pre", b"a"]);
        assert_eq!(parse_drv_name(b"foo-bar-1.0"), (&b"foo-bar"[..], &b"1.0"[..]));
        assert_eq!(parse_drv_name(b"foo-"), (&b"foo-"[..], &b""[..]));
        assert_eq!(parse_drv_name("foo-\u{e9}".as_bytes()), (&b"foo"[..], "\u{e9}".as_bytes()));
    }
}
