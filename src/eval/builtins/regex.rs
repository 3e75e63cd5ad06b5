//! Regular expressions: `match` and `split`.
//!
//! Nix's regexes are POSIX extended regular expressions as CppNix's `std::regex` (libstdc++,
//! `std::regex::extended`, built as strict ISO C++) understands them. This module owns that
//! dialect: it parses the pattern with libstdc++'s grammar and error rules and translates it
//! to the `regex` crate's syntax, which then does the matching over bytes (Nix strings are
//! byte strings; the crate runs with Unicode off, so any byte sequence is fine). It knows
//! nothing about the evaluator beyond the two primops at the bottom.
//!
//! The dialect, as libstdc++ implements it (checked against CppNix):
//! * Outside brackets `\` escapes only `.[\()*+?{|^$`; any other escape (`\d`, `\n`, `\}`)
//!   and a trailing `\` are errors. There are no back-references.
//! * `]` and `}` alone are ordinary; `)` without `(` is an error; `{` always starts an
//!   interval `{n}`, `{n,}`, `{n,m}` (no spaces, `m >= n`).
//! * A quantifier needs an atom before it: `*a`, `(*a)`, `a|*b`, `^*` are errors. Several
//!   quantifiers stack: `a**` is `(a*)*`, and `a*?` is `(a*)?`, not a lazy star.
//! * `.` is any byte but NUL (newlines included); `^`/`$` only match at the ends of the
//!   whole string.
//! * Bracket expressions: a `]` right after `[` or `[^` is literal; `\` is literal; `-` is
//!   literal first or last; a range's start must be a single character (`[[:a:]-z]` and
//!   `[a-z-9]` are errors); ranges compare `char`s as *signed* bytes. Classes `[:name:]`
//!   are the C locale's (ASCII only; names case-insensitive, plus libstdc++'s `d`, `s`,
//!   `w`); `[.name.]` and `[=name=]` take the POSIX portable character names (`hyphen`,
//!   `a`, `NUL`, …); equivalence classes ignore case.
//! * libstdc++ refuses a pattern whose automaton exceeds 100000 states ("memory limit
//!   exceeded"); the translator counts states the way libstdc++ builds them (intervals
//!   copy their operand), so `a{99999}` fails as in CppNix.
//!
//! Matching. `match` needs the whole string to match: the pattern is anchored at both ends,
//! and the captures are those of the first way to match in backtracking priority order
//! (greedy quantifiers, left alternative first) — the same choice libstdc++'s depth-first
//! matcher makes, since all candidate matches have the same length. `split` walks the
//! string like `std::regex_iterator`: after an empty match at `p` it first tries a
//! non-empty match starting at `p`, then searches from `p + 1`; after a non-empty match an
//! empty match may follow right away (so `split "x*" "axb"` has four matches).
//!
//! Known differences, where the `regex` crate (leftmost-first) and libstdc++ (POSIX rules
//! with depth-first exploration) disagree:
//! * In `split`, when alternatives of an `|` can match different lengths at the same
//!   position, libstdc++ takes the longest (`split "a|ab" "abc"` matches `ab`); tern takes
//!   the first alternative that matches (`a`). Put the longer alternative first to get the
//!   same result from both. `match` is not affected.
//! * A loop whose body can match the empty string (`(a*)*`, `(a|)*`, `(a?)+`): libstdc++
//!   ends the loop with one extra empty iteration, so the group captures `""`
//!   (`match "(a*)*" "aa"` is `[ "" ]`); tern reports the last non-empty iteration
//!   (`[ "aa" ]`), or `null` when the loop only ever matched empty.
//! * Groups nested more than 1000 deep are refused as too big (libstdc++ has no such limit).
//!
//! Results keep the input string's context (CppNix drops it, NixOS/nix#2547, except when
//! `split` finds no match and returns `[ input ]`).
//!
//! Compiled regexes are cached per pattern for the life of the evaluator.

use crate::eval::shared::Shared;
use std::rc::Rc;

use regex::bytes::{CaptureLocations, Regex, RegexBuilder};

use crate::diag::source_map::Span;

use super::super::error::{EvalError, EvalResult};
use super::super::string::{Context, NixString};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

/// Why a pattern was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegexError {
    /// Not a valid POSIX extended regular expression (as libstdc++ reads it).
    Invalid,
    /// The automaton would be too large (libstdc++'s state limit, or the `regex` crate's).
    TooBig,
}

type Result<T> = std::result::Result<T, RegexError>;

/// `_GLIBCXX_REGEX_STATE_LIMIT`: libstdc++ refuses automata with more states.
const STATE_LIMIT: u64 = 100_000;
/// Group nesting accepted (libstdc++ recurses without a limit; this keeps tern's stack safe).
const MAX_NESTING: u32 = 1000;

/// Bytes a backslash may escape outside brackets (libstdc++'s extended special characters).
const ESCAPABLE: &[u8] = b".[\\()*+?{|^$";

/// The POSIX portable character set names, indexed by character code, as libstdc++'s
/// `regex_traits::lookup_collatename` knows them (for `[.name.]` and `[=name=]`).
#[rustfmt::skip]
const COLLATE_NAMES: [&str; 128] = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "alert", "backspace", "tab", "newline",
    "vertical-tab", "form-feed", "carriage-return", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4",
    "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "IS4", "IS3", "IS2", "IS1", "space",
    "exclamation-mark", "quotation-mark", "number-sign", "dollar-sign", "percent-sign",
    "ampersand", "apostrophe", "left-parenthesis", "right-parenthesis", "asterisk", "plus-sign",
    "comma", "hyphen", "period", "slash", "zero", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "colon", "semicolon", "less-than-sign", "equals-sign",
    "greater-than-sign", "question-mark", "commercial-at", "A", "B", "C", "D", "E", "F", "G", "H",
    "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z",
    "left-square-bracket", "backslash", "right-square-bracket", "circumflex", "underscore",
    "grave-accent", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
    "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "left-curly-bracket", "vertical-line",
    "right-curly-bracket", "tilde", "DEL",
];

/// A set of bytes (a bracket expression after negation).
type ByteSet = [bool; 256];

/// One match: start, end, and the capture groups (`None` where a group did not take part).
pub type SplitMatch<'s> = (usize, usize, Vec<Option<&'s [u8]>>);

/// The bytes of a `[:name:]` class in the C locale, or `None` for an unknown name.
fn class_set(name: &[u8]) -> Option<ByteSet> {
    let name = name.to_ascii_lowercase();
    let test: fn(u8) -> bool = match name.as_slice() {
        b"alnum" => |c| c.is_ascii_alphanumeric(),
        b"alpha" => |c| c.is_ascii_alphabetic(),
        b"blank" => |c| c == b' ' || c == b'\t',
        b"cntrl" => |c| c.is_ascii_control(),
        b"digit" | b"d" => |c| c.is_ascii_digit(),
        b"graph" => |c| c.is_ascii_graphic(),
        b"lower" => |c| c.is_ascii_lowercase(),
        b"print" => |c| c.is_ascii_graphic() || c == b' ',
        b"punct" => |c| c.is_ascii_punctuation(),
        // C's isspace also counts the vertical tab, which `is_ascii_whitespace` does not.
        b"space" | b"s" => |c| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'),
        b"upper" => |c| c.is_ascii_uppercase(),
        b"xdigit" => |c| c.is_ascii_hexdigit(),
        b"w" => |c| c.is_ascii_alphanumeric() || c == b'_',
        _ => return None,
    };
    let mut set = [false; 256];
    for (b, slot) in set.iter_mut().enumerate() {
        *slot = test(b as u8);
    }
    Some(set)
}

/// The character a collating-element name stands for.
fn collate_char(name: &[u8]) -> Result<u8> {
    COLLATE_NAMES.iter().position(|n| n.as_bytes() == name).map(|i| i as u8).ok_or(RegexError::Invalid)
}

/// A token inside a bracket expression (libstdc++'s bracket scanner state).
#[derive(Debug, PartialEq)]
enum BracketToken {
    Char(u8),
    Dash,
    End,
    Collating(Vec<u8>),
    Equivalence(Vec<u8>),
    Class(Vec<u8>),
}

/// What the bracket parser last saw, for deciding what a following `-` means.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    Nothing,
    Char(u8),
    Class,
}

/// Parses a POSIX ERE and writes the equivalent `regex`-crate pattern.
struct Translator<'a> {
    re: &'a [u8],
    pos: usize,
    out: String,
    /// libstdc++ automaton states so far.
    states: u64,
    depth: u32,
}

impl<'a> Translator<'a> {
    fn peek(&self) -> Option<u8> {
        self.re.get(self.pos).copied()
    }

    fn add_states(&mut self, n: u64) -> Result<()> {
        self.states = self.states.saturating_add(n);
        if self.states > STATE_LIMIT {
            return Err(RegexError::TooBig);
        }
        Ok(())
    }

    fn run(mut self) -> Result<(String, usize)> {
        // The implicit group 0 (begin, end) and the accepting state.
        self.add_states(1)?;
        let groups = self.disjunction()?;
        if self.pos != self.re.len() {
            // A `)` without `(`, or a quantifier with nothing to repeat.
            return Err(RegexError::Invalid);
        }
        self.add_states(2)?;
        Ok((self.out, groups.1))
    }

    /// `alternative ('|' alternative)*`; returns (states, groups).
    fn disjunction(&mut self) -> Result<(u64, usize)> {
        let (mut size, mut groups) = self.alternative()?;
        while self.peek() == Some(b'|') {
            self.pos += 1;
            self.out.push('|');
            let (s, g) = self.alternative()?;
            self.add_states(2)?;
            size = size.saturating_add(s + 2);
            groups += g;
        }
        Ok((size, groups))
    }

    fn alternative(&mut self) -> Result<(u64, usize)> {
        let mut size = 0u64;
        let mut groups = 0;
        while let Some((s, g)) = self.term()? {
            size = size.saturating_add(s);
            groups += g;
        }
        self.add_states(1)?;
        Ok((size + 1, groups))
    }

    /// An assertion, or an atom with its quantifiers; `None` where the alternative ends.
    fn term(&mut self) -> Result<Option<(u64, usize)>> {
        match self.peek() {
            None | Some(b'|' | b')' | b'*' | b'+' | b'?' | b'{') => return Ok(None),
            Some(c @ (b'^' | b'$')) => {
                // Assertions take no quantifier: a following one ends the alternative and
                // is then reported as an error.
                self.pos += 1;
                self.out.push(c as char);
                self.add_states(1)?;
                return Ok(Some((1, 0)));
            }
            _ => {}
        }
        let start = self.out.len();
        let (mut size, groups) = self.atom()?;
        let mut quantified = false;
        loop {
            let quantifier = match self.peek() {
                Some(b'*') => {
                    self.pos += 1;
                    self.add_states(1)?;
                    size = size.saturating_add(1);
                    "*".to_string()
                }
                Some(b'+') => {
                    self.pos += 1;
                    self.add_states(1)?;
                    size = size.saturating_add(1);
                    "+".to_string()
                }
                Some(b'?') => {
                    self.pos += 1;
                    self.add_states(2)?;
                    size = size.saturating_add(2);
                    "?".to_string()
                }
                Some(b'{') => {
                    self.pos += 1;
                    let (min, max) = self.interval()?;
                    // libstdc++ copies the operand `min` times, then either one looping copy
                    // or `max - min` optional copies (each with a repeat state).
                    let copies = min.saturating_mul(size);
                    let rest = match max {
                        None => size.saturating_add(1),
                        Some(max) => (max - min).saturating_mul(size.saturating_add(1)).saturating_add(1),
                    };
                    let added = copies.saturating_add(rest).saturating_add(1);
                    self.add_states(added)?;
                    size = added;
                    match max {
                        Some(max) if max == min => format!("{{{min}}}"),
                        Some(max) => format!("{{{min},{max}}}"),
                        None => format!("{{{min},}}"),
                    }
                }
                _ => break,
            };
            if quantified {
                // `a**` is `(a*)*`: the regex crate would read `a*?` as lazy and refuse `a**`.
                self.out.insert_str(start, "(?:");
                self.out.push(')');
            }
            self.out.push_str(&quantifier);
            quantified = true;
        }
        Ok(Some((size, groups)))
    }

    /// `{n}`, `{n,}` or `{n,m}` after the `{`.
    fn interval(&mut self) -> Result<(u64, Option<u64>)> {
        let min = self.count()?.ok_or(RegexError::Invalid)?;
        let max = if self.peek() == Some(b',') {
            self.pos += 1;
            self.count()?
        } else {
            Some(min)
        };
        if self.peek() != Some(b'}') {
            return Err(RegexError::Invalid);
        }
        self.pos += 1;
        match max {
            Some(max) if max < min => Err(RegexError::Invalid),
            _ => Ok((min, max)),
        }
    }

    /// A decimal count (libstdc++ rejects one that overflows a `long`).
    fn count(&mut self) -> Result<Option<u64>> {
        let start = self.pos;
        let mut n: i64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            n = n.checked_mul(10).and_then(|n| n.checked_add(i64::from(c - b'0'))).ok_or(RegexError::Invalid)?;
            self.pos += 1;
        }
        Ok((self.pos > start).then_some(n as u64))
    }

    /// One atom: a character, `.`, an escape, a bracket expression or a group.
    fn atom(&mut self) -> Result<(u64, usize)> {
        let c = self.re[self.pos];
        self.pos += 1;
        match c {
            b'.' => self.out.push_str(r"[\x01-\xFF]"),
            b'\\' => match self.peek() {
                Some(e) if ESCAPABLE.contains(&e) => {
                    self.pos += 1;
                    self.literal(e);
                }
                _ => return Err(RegexError::Invalid),
            },
            b'[' => {
                let set = self.bracket()?;
                self.push_set(&set);
            }
            b'(' => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return Err(RegexError::TooBig);
                }
                self.add_states(1)?;
                self.out.push('(');
                let (inner, groups) = self.disjunction()?;
                if self.peek() != Some(b')') {
                    return Err(RegexError::Invalid);
                }
                self.pos += 1;
                self.out.push(')');
                self.add_states(1)?;
                self.depth -= 1;
                return Ok((inner.saturating_add(2), groups + 1));
            }
            c => self.literal(c),
        }
        self.add_states(1)?;
        Ok((1, 0))
    }

    fn literal(&mut self, c: u8) {
        if c.is_ascii_alphanumeric() {
            self.out.push(c as char);
        } else {
            self.out.push_str(&format!("\\x{c:02X}"));
        }
    }

    fn push_set(&mut self, set: &ByteSet) {
        if set.iter().all(|&b| !b) {
            // An empty class (possible with negation): never matches.
            self.out.push_str("[a&&b]");
            return;
        }
        self.out.push('[');
        let mut b = 0usize;
        while b < 256 {
            if !set[b] {
                b += 1;
                continue;
            }
            let lo = b;
            while b + 1 < 256 && set[b + 1] {
                b += 1;
            }
            if lo == b {
                self.out.push_str(&format!("\\x{lo:02X}"));
            } else {
                self.out.push_str(&format!("\\x{lo:02X}-\\x{b:02X}"));
            }
            b += 1;
        }
        self.out.push(']');
    }

    /// Scans one token inside a bracket expression.
    fn bracket_token(&mut self, at_start: bool) -> Result<BracketToken> {
        let c = self.peek().ok_or(RegexError::Invalid)?;
        self.pos += 1;
        Ok(match c {
            b'-' => BracketToken::Dash,
            b'[' => match self.peek() {
                None => return Err(RegexError::Invalid),
                Some(k @ (b'.' | b':' | b'=')) => {
                    self.pos += 1;
                    let name = self.class_name(k)?;
                    match k {
                        b'.' => BracketToken::Collating(name),
                        b':' => BracketToken::Class(name),
                        _ => BracketToken::Equivalence(name),
                    }
                }
                Some(_) => BracketToken::Char(b'['),
            },
            b']' if !at_start => BracketToken::End,
            c => BracketToken::Char(c),
        })
    }

    /// The name in `[:name:]` (and the `.`/`=` forms), up to the first `k`, which must be
    /// followed by `]`.
    fn class_name(&mut self, k: u8) -> Result<Vec<u8>> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c != k) {
            self.pos += 1;
        }
        let name = self.re[start..self.pos].to_vec();
        if self.peek() != Some(k) || self.re.get(self.pos + 1) != Some(&b']') {
            return Err(RegexError::Invalid);
        }
        self.pos += 2;
        Ok(name)
    }

    /// A bracket expression after its `[`, following libstdc++'s rules for `-`.
    fn bracket(&mut self) -> Result<ByteSet> {
        let negate = self.peek() == Some(b'^');
        if negate {
            self.pos += 1;
        }
        let mut set: ByteSet = [false; 256];
        let mut token = self.bracket_token(true)?;
        let mut last = Last::Nothing;
        match token {
            BracketToken::Char(c) => {
                last = Last::Char(c);
                token = self.bracket_token(false)?;
            }
            BracketToken::Dash => {
                last = Last::Char(b'-');
                token = self.bracket_token(false)?;
            }
            _ => {}
        }
        // A character is kept back in `last` until we know it does not start a range.
        let push_char = |set: &mut ByteSet, last: &mut Last, c: Last| {
            if let Last::Char(p) = *last {
                set[p as usize] = true;
            }
            *last = c;
        };
        loop {
            match token {
                BracketToken::End => break,
                BracketToken::Char(c) => push_char(&mut set, &mut last, Last::Char(c)),
                BracketToken::Collating(ref name) => {
                    let c = collate_char(name)?;
                    push_char(&mut set, &mut last, Last::Char(c));
                }
                BracketToken::Equivalence(ref name) => {
                    let c = collate_char(name)?;
                    push_char(&mut set, &mut last, Last::Class);
                    // In the C locale the primary sort key is the lower-cased character.
                    for (b, slot) in set.iter_mut().enumerate() {
                        if (b as u8).eq_ignore_ascii_case(&c) {
                            *slot = true;
                        }
                    }
                }
                BracketToken::Class(ref name) => {
                    let class = class_set(name).ok_or(RegexError::Invalid)?;
                    push_char(&mut set, &mut last, Last::Class);
                    for (slot, in_class) in set.iter_mut().zip(class) {
                        *slot |= in_class;
                    }
                }
                BracketToken::Dash => {
                    token = self.bracket_token(false)?;
                    if token == BracketToken::End {
                        // `-]`: the dash is literal.
                        push_char(&mut set, &mut last, Last::Char(b'-'));
                        break;
                    }
                    let Last::Char(lo) = last else {
                        // After a class, or after a complete range: not allowed in POSIX.
                        return Err(RegexError::Invalid);
                    };
                    let hi = match token {
                        BracketToken::Char(c) => c,
                        BracketToken::Dash => b'-',
                        _ => return Err(RegexError::Invalid),
                    };
                    add_range(&mut set, lo, hi)?;
                    last = Last::Nothing;
                }
            }
            token = self.bracket_token(false)?;
        }
        if let Last::Char(c) = last {
            set[c as usize] = true;
        }
        if negate {
            for slot in set.iter_mut() {
                *slot = !*slot;
            }
        }
        Ok(set)
    }
}

/// `lo-hi` in a bracket: libstdc++ compares plain `char`s, which are signed.
fn add_range(set: &mut ByteSet, lo: u8, hi: u8) -> Result<()> {
    let (lo, hi) = (lo as i8, hi as i8);
    if lo > hi {
        return Err(RegexError::Invalid);
    }
    for (b, slot) in set.iter_mut().enumerate() {
        let c = b as u8 as i8;
        if lo <= c && c <= hi {
            *slot = true;
        }
    }
    Ok(())
}

/// Translates a POSIX extended regular expression into `regex`-crate syntax (to be compiled
/// with Unicode off); also returns the number of capture groups.
pub fn translate(pattern: &[u8]) -> Result<(String, usize)> {
    Translator { re: pattern, pos: 0, out: String::with_capacity(pattern.len() * 2), states: 0, depth: 0 }.run()
}

/// A pattern compiled for both uses.
pub struct CompiledRegex {
    /// The pattern as is, for searching (`split`).
    search: Regex,
    /// The pattern anchored at both ends (`match`).
    whole: Regex,
    /// Capture groups in the pattern. The `regex` crate drops groups it can prove never
    /// match (`(a){0}`), so its own count may be lower.
    groups: usize,
}

fn build(pattern: &str) -> Result<Regex> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .nest_limit(2 * MAX_NESTING + 16)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => RegexError::TooBig,
            _ => RegexError::Invalid,
        })
}

impl CompiledRegex {
    pub fn new(pattern: &[u8]) -> Result<CompiledRegex> {
        let (translated, groups) = translate(pattern)?;
        Ok(CompiledRegex { search: build(&translated)?, whole: build(&format!("^(?:{translated})$"))?, groups })
    }

    /// The capture groups if the whole of `s` matches (`None` for a group that did not
    /// take part), or `None` if it does not match.
    pub fn match_whole<'s>(&self, s: &'s [u8]) -> Option<Vec<Option<&'s [u8]>>> {
        let mut locs = self.whole.capture_locations();
        self.whole.captures_read(&mut locs, s)?;
        Some(groups(&locs, self.groups, s))
    }

    /// The matches of `split`, as `(start, end, groups)`, in `std::regex_iterator` order.
    pub fn split_matches<'s>(&self, s: &'s [u8]) -> Vec<SplitMatch<'s>> {
        let mut out = Vec::new();
        let mut locs = self.search.capture_locations();
        let mut found = self.search.captures_read_at(&mut locs, s, 0).map(|m| (m.start(), m.end()));
        while let Some((start, end)) = found {
            out.push((start, end, groups(&locs, self.groups, s)));
            let from = if start == end {
                if end == s.len() {
                    break;
                }
                // A non-empty match right here comes first (`match_not_null |
                // match_continuous`); a leftmost search from `end` finds one if it exists.
                match self.search.captures_read_at(&mut locs, s, end) {
                    Some(m) if m.start() == end && m.end() > end => {
                        found = Some((m.start(), m.end()));
                        continue;
                    }
                    _ => end + 1,
                }
            } else {
                end
            };
            found = self.search.captures_read_at(&mut locs, s, from).map(|m| (m.start(), m.end()));
        }
        out
    }
}

/// Groups `1..=n` of a match (`None` for one that did not take part).
fn groups<'s>(locs: &CaptureLocations, n: usize, s: &'s [u8]) -> Vec<Option<&'s [u8]>> {
    (1..=n).map(|i| locs.get(i).map(|(a, b)| &s[a..b])).collect()
}

/// The compiled form of `pattern`, from the evaluator's cache.
fn compiled(ev: &Evaluator, pattern: &[u8]) -> EvalResult<Rc<CompiledRegex>> {
    if let Some(c) = ev.caches.regexes.borrow().get(pattern) {
        return Ok(c.clone());
    }
    let c = CompiledRegex::new(pattern).map_err(|e| {
        let shown = String::from_utf8_lossy(pattern);
        EvalError::msg(match e {
            RegexError::Invalid => format!("invalid regular expression '{shown}'"),
            RegexError::TooBig => format!("memory limit exceeded by regular expression '{shown}'"),
        })
    })?;
    let c = Rc::new(c);
    ev.caches.regexes.borrow_mut().insert(pattern.to_vec(), c.clone());
    Ok(c)
}

/// A matched piece. CppNix returns these without the input's string context (a known
/// CppNix bug, NixOS/nix#2547); tern does the same so that derivations built from the
/// pieces get exactly CppNix's inputs and paths.
fn piece(bytes: &[u8], _ctx: &Context) -> Value {
    Value::String(Shared::new(NixString::new(bytes.to_vec())))
}

fn group_list(groups: Vec<Option<&[u8]>>, ctx: &Context) -> Value {
    Value::list(groups.into_iter().map(|g| g.map_or(Value::Null, |g| piece(g, ctx))).collect())
}

fn prim_match(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let pattern = ev.arg_string_no_ctx(arg("match", args, 0))?;
    // As in CppNix, the pattern is compiled (and may fail) before the string is forced.
    let re = compiled(ev, pattern.as_bytes())?;
    let s = ev.arg_string(arg("match", args, 1))?;
    let ctx = s.context().cloned().unwrap_or_default();
    Ok(match re.match_whole(s.as_bytes()) {
        Some(groups) => group_list(groups, &ctx),
        None => Value::Null,
    })
}

fn prim_split(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let pattern = ev.arg_string_no_ctx(arg("split", args, 0))?;
    let re = compiled(ev, pattern.as_bytes())?;
    let s = ev.arg_string(arg("split", args, 1))?;
    let bytes = s.as_bytes();
    let matches = re.split_matches(bytes);
    if matches.is_empty() {
        // The input itself, context and all.
        return Ok(Value::list(vec![Value::String(s)]));
    }
    let ctx = s.context().cloned().unwrap_or_default();
    let mut out = Vec::with_capacity(2 * matches.len() + 1);
    let mut prev = 0;
    for (start, end, groups) in matches {
        out.push(piece(&bytes[prev..start], &ctx));
        out.push(group_list(groups, &ctx));
        prev = end;
    }
    out.push(piece(&bytes[prev..], &ctx));
    Ok(Value::list(out))
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "match", arity: 2, func: prim_match, args: &["regex", "str"], doc: "Returns the list of capture groups (`null` for a group that did not take part) if the POSIX extended regular expression `regex` matches the whole of `str`, otherwise `null`. `match \"a(b)(c)\" \"abc\"` is `[ \"b\" \"c\" ]`." },
    PrimOp { name: "split", arity: 2, func: prim_split, args: &["regex", "str"], doc: "Splits `str` at the matches of the POSIX extended regular expression `regex`: the parts between matches, interleaved with the lists of each match's capture groups. `split \"(a)|(c)\" \"abc\"` is `[ \"\" [ \"a\" null ] \"b\" [ null \"c\" ] \"\" ]`." },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn m(re: &str, s: &str) -> Option<Vec<Option<String>>> {
        let c = CompiledRegex::new(re.as_bytes()).expect("valid");
        c.match_whole(s.as_bytes())
            .map(|g| g.into_iter().map(|x| x.map(|x| String::from_utf8_lossy(x).into_owned())).collect())
    }

    #[test]
    fn translation_errors() {
        for bad in [
            "(",
            ")",
            "a)",
            "\\",
            "\\d",
            "\\n",
            "*a",
            "^*",
            "a|*b",
            "(*a)",
            "a{",
            "a{,2}",
            "a{2,1}",
            "a{1,2,3}",
            "[a",
            "[]",
            "[z-a]",
            "[a-z-9]",
            "[[:foo:]]",
            "[[:alpha:]-z]",
            "[[.-.]]",
            "[[=ab=]]",
            "[[:]",
        ] {
            assert_eq!(translate(bad.as_bytes()).err(), Some(RegexError::Invalid), "{bad}");
        }
        assert_eq!(translate(b"a{99999}").err(), Some(RegexError::TooBig));
        assert_eq!(translate(b"(a{1000}){1000}").err(), Some(RegexError::TooBig));
        assert!(translate(b"a{99993}").is_ok());
        assert_eq!(translate(b"a{99994}").err(), Some(RegexError::TooBig));
    }

    #[test]
    fn dialect() {
        assert_eq!(m("a**", "aa"), Some(vec![]));
        assert_eq!(m("a*?", "aa"), Some(vec![]));
        assert_eq!(m("[]a]*", "]a]"), Some(vec![]));
        assert_eq!(m("[\\.]*", "\\."), Some(vec![]));
        assert_eq!(m("[[.hyphen.][:digit:]]*", "-1"), Some(vec![]));
        assert_eq!(m("[[=a=]]", "A"), Some(vec![]));
        assert_eq!(m("a.b", "a\nb"), Some(vec![]));
        assert_eq!(m(".", "\u{e9}"), None);
        assert_eq!(m("(a)|b", "b"), Some(vec![None]));
        assert_eq!(m("(a|ab)(c|bcd)?(d*)", "abcd"), Some(vec![Some("a".into()), Some("bcd".into()), Some("".into())]));
    }

    #[test]
    fn context_is_dropped_like_cppnix_and_refused_in_patterns() {
        use crate::diag::source_map::FileId;

        use super::super::super::string::ContextElem;

        let ev = Evaluator::new(Default::default());
        let span = Span::new(FileId(0), 0, 0);
        let mut ctx = Context::new();
        ctx.insert(ContextElem::Plain("/nix/store/aaaa-x".into()));
        let s = Value::String(Shared::new(NixString::with_context(b"/nix/store/aaaa-x/bin".to_vec(), ctx.clone())));
        let no_ctx = |v: &Value| matches!(v, Value::String(s) if s.context().is_none());

        let Value::List(groups) = prim_match(&ev, &[Value::string("(.*)/bin"), s.clone()], span).expect("matches")
        else {
            panic!("match gives a list")
        };
        assert!(no_ctx(&groups[0]));
        let Value::List(parts) = prim_split(&ev, &[Value::string("/"), s.clone()], span).expect("splits") else {
            panic!("split gives a list")
        };
        assert_eq!(parts.len(), 9);
        assert!(no_ctx(&parts[0]) && no_ctx(&parts[8]));
        let Value::List(unsplit) = prim_split(&ev, &[Value::string("q"), s.clone()], span).expect("splits") else {
            panic!("split gives a list")
        };
        // Without a match, the input itself comes back, context and all.
        assert!(unsplit.len() == 1 && matches!(&unsplit[0], Value::String(s) if s.context() == Some(&ctx)));

        let e = prim_match(&ev, &[s, Value::string("x")], span).expect_err("a pattern with context");
        assert!(e.message().contains(
            "the string '/nix/store/aaaa-x/bin' is not allowed to refer to a store path (such as '/nix/store/aaaa-x')"
        ));
    }

    #[test]
    fn non_utf8_input() {
        let c = CompiledRegex::new(b"(.)[^a]").expect("valid");
        let g = c.match_whole(b"\xff\xfe").expect("matches");
        assert_eq!(g, vec![Some(&b"\xff"[..])]);
        assert_eq!(c.split_matches(b"\xc3").len(), 0);
    }
}
