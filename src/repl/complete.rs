//! Tab completion, and the rustyline helper that hosts it.
//!
//! The text before the cursor is scanned like the lexer would (strings, `${…}`,
//! comments) to find the word being typed, which is then:
//! * the first word of a line starting with `:` — a command name;
//! * the argument of `:l` — a file name; so is any word with a `/` (a path literal);
//! * a word without a dot — a variable: the REPL's, the global builtins, keywords;
//! * `expr.partial` — an attribute: `expr` (everything before the last dot outside quotes,
//!   e.g. `pkgs.pkgsCross`, `a."foo bar"` or `a.${name}`) is evaluated to a set, which forces that set
//!   but none of its attributes' values, and the names starting with `partial` are offered,
//!   quoted when they are not identifiers (`a."foo bar"`). A quoted partial (`a."fo`) is
//!   completed quoted.
//!
//! When `expr` fails to evaluate (or is not a set) there is nothing to offer, and the
//! reason is shown as a dimmed hint after the cursor until the next key (rather than
//! nothing at all, nix#9531).

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::Context;

use crate::eval::pretty::is_var_name;
use crate::eval::value::Value;

use super::commands::Command;
use super::Repl;

/// The outcome of completing at a position.
#[derive(Debug, PartialEq)]
pub enum Completion {
    /// Replacements for the text from `start` to the cursor, with what to show for each.
    Candidates { start: usize, items: Vec<Candidate> },
    /// Nothing to offer, and why.
    Failed(String),
}

#[derive(Debug, PartialEq, Clone)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

/// What kind of word the cursor is in.
#[derive(Debug, PartialEq)]
enum Word {
    File {
        start: usize,
    },
    Var {
        start: usize,
    },
    /// `expr.partial`: `start` is where the partial begins (its opening quote, if any).
    Attr {
        expr: (usize, usize),
        start: usize,
        partial: String,
        quoted: bool,
    },
    Nothing,
}

const KEYWORDS: &[&str] = &["assert", "else", "if", "in", "inherit", "let", "or", "rec", "then", "with"];

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'\'' | b'-' | b'.' | b'/' | b'~') || c >= 0x80
}

/// The end of a `"…"` starting at `i` (just after the opening quote): the index of the
/// closing quote.
fn quote_end(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The end of a `${…}` attribute name starting at `i` (at the `$`): the index just after
/// its closing brace.
fn interpolation_end(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            b'"' => j = quote_end(b, j + 1)?,
            _ => {}
        }
        j += 1;
    }
    None
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Code, with the depth of `{` opened inside it.
    Code(u32),
    Str,
    IndStr,
}

/// Finds the word that ends at the end of `text` (the text before the cursor), starting
/// the scan at `from`.
fn scan(text: &str, from: usize) -> Word {
    let b = text.as_bytes();
    let mut stack = vec![Mode::Code(0)];
    let mut word_start = from;
    let mut i = from;
    while i < b.len() {
        let mode = *stack.last().expect("never empty");
        match mode {
            Mode::Code(depth) => match b[i] {
                b'"' if i > word_start && b[i - 1] == b'.' => match quote_end(b, i + 1) {
                    // A quoted attribute name inside the word.
                    Some(end) => i = end + 1,
                    None => i = b.len(),
                },
                b'"' => {
                    stack.push(Mode::Str);
                    i += 1;
                }
                // An interpolated attribute name inside the word (`foo.${bar}.baz`).
                b'$' if i > word_start && b[i - 1] == b'.' && b.get(i + 1) == Some(&b'{') => {
                    match interpolation_end(b, i) {
                        Some(end) => i = end,
                        None => return Word::Nothing,
                    }
                }
                b'\'' if i == word_start && b.get(i + 1) == Some(&b'\'') => {
                    stack.push(Mode::IndStr);
                    i += 2;
                }
                b'#' => match b[i..].iter().position(|&c| c == b'\n') {
                    Some(n) => {
                        i += n + 1;
                        word_start = i;
                    }
                    None => return Word::Nothing,
                },
                b'/' if b.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                    Some(n) => {
                        i += n + 4;
                        word_start = i;
                    }
                    None => return Word::Nothing,
                },
                b'{' => {
                    *stack.last_mut().expect("never empty") = Mode::Code(depth + 1);
                    i += 1;
                    word_start = i;
                }
                b'}' => {
                    if depth > 0 {
                        *stack.last_mut().expect("never empty") = Mode::Code(depth - 1);
                    } else if stack.len() > 1 {
                        stack.pop();
                    }
                    i += 1;
                    word_start = i;
                }
                c if is_word_byte(c) => i += 1,
                _ => {
                    i += 1;
                    word_start = i;
                }
            },
            Mode::Str => match b[i] {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                    word_start = i;
                }
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Mode::Code(0));
                    i += 2;
                    word_start = i;
                }
                _ => i += 1,
            },
            Mode::IndStr => {
                if b[i..].starts_with(b"''") {
                    match b.get(i + 2) {
                        Some(b'$') | Some(b'\'') => i += 3,
                        Some(b'\\') => i += 4,
                        _ => {
                            stack.pop();
                            i += 2;
                            word_start = i;
                        }
                    }
                } else if b[i..].starts_with(b"${") {
                    stack.push(Mode::Code(0));
                    i += 2;
                    word_start = i;
                } else {
                    i += 1;
                }
            }
        }
    }
    if !matches!(stack.last(), Some(Mode::Code(_))) {
        return Word::Nothing;
    }
    let word_start = word_start.min(text.len());
    // `<nixpkgs/…>` is a search path, not a file name relative to here.
    if word_start > 0 && b[word_start - 1] == b'<' {
        return Word::Nothing;
    }
    classify(text, word_start)
}

fn classify(text: &str, start: usize) -> Word {
    let word = &text[start..];
    let b = word.as_bytes();
    let mut last_dot = None;
    let mut slash = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => match quote_end(b, i + 1) {
                Some(end) => i = end + 1,
                None => break,
            },
            b'$' if b.get(i + 1) == Some(&b'{') => match interpolation_end(b, i) {
                Some(end) => i = end,
                None => break,
            },
            b'.' => {
                last_dot = Some(i);
                i += 1;
            }
            b'/' => {
                slash = true;
                i += 1;
            }
            _ => i += 1,
        }
    }
    if slash || word.starts_with('~') {
        return Word::File { start };
    }
    let Some(dot) = last_dot else { return Word::Var { start } };
    let expr = &word[..dot];
    if expr.is_empty() || expr.ends_with('.') || expr.as_bytes()[0].is_ascii_digit() {
        return Word::Nothing;
    }
    let raw = &word[dot + 1..];
    if raw.starts_with('$') {
        return Word::Nothing;
    }
    let (partial, quoted) = match raw.strip_prefix('"') {
        Some(inner) => {
            if inner.contains("${") {
                return Word::Nothing;
            }
            (unescape(inner), true)
        }
        None => (raw.to_string(), false),
    };
    Word::Attr { expr: (start, start + dot), start: start + dot + 1, partial, quoted }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn quoted(name: &[u8]) -> String {
    let mut out = Vec::new();
    crate::eval::print::quote_bytes(&mut out, name);
    String::from_utf8_lossy(&out).into_owned()
}

fn candidates(items: impl IntoIterator<Item = String>) -> Vec<Candidate> {
    items.into_iter().map(|s| Candidate { display: s.clone(), replacement: s }).collect()
}

impl Repl {
    /// Completes the text before `pos` in `line` (see the module header).
    pub fn complete(&self, line: &str, pos: usize) -> Completion {
        let text = &line[..pos];
        let trimmed = text.trim_start();
        let offset = text.len() - trimmed.len();
        let mut from = offset;
        if trimmed.starts_with(':') {
            match trimmed.find(char::is_whitespace) {
                None => {
                    let items = Command::all_names().filter(|n| n.starts_with(trimmed)).map(String::from);
                    let mut items: Vec<String> = items.collect();
                    items.sort();
                    return Completion::Candidates { start: offset, items: candidates(items) };
                }
                Some(ws) => {
                    let arg_start = offset + ws + (trimmed[ws..].len() - trimmed[ws..].trim_start().len());
                    match Command::find(&trimmed[..ws]) {
                        Some(c) if c.arg == super::commands::Arg::Path => {
                            return complete_files(&text[arg_start..], arg_start);
                        }
                        Some(c) if c.arg == super::commands::Arg::Bool => {
                            let partial = &text[arg_start..];
                            let items = ["false", "true"].into_iter().filter(|b| b.starts_with(partial));
                            return Completion::Candidates {
                                start: arg_start,
                                items: candidates(items.map(String::from)),
                            };
                        }
                        Some(c) if c.arg == super::commands::Arg::None => {
                            return Completion::Candidates { start: pos, items: Vec::new() };
                        }
                        _ => from = arg_start,
                    }
                }
            }
        } else if super::commands::binding(text).is_some() {
            // After `x =`: the expression.
            from = text.find('=').map(|i| i + 1).unwrap_or(from);
        }
        match scan(text, from) {
            Word::Nothing => Completion::Candidates { start: pos, items: Vec::new() },
            Word::File { start } => complete_files(&text[start..], start),
            Word::Var { start } => self.complete_var(&text[start..], start),
            Word::Attr { expr, start, partial, quoted } => {
                self.complete_attr(&text[expr.0..expr.1], start, &partial, quoted)
            }
        }
    }

    fn complete_var(&self, partial: &str, start: usize) -> Completion {
        let hidden = !partial.starts_with('_');
        let mut names: Vec<String> = self
            .scope_names()
            .into_iter()
            .map(|s| s.as_str().into_owned())
            .chain(self.ev.globals.keys().map(|s| s.as_str().into_owned()))
            .chain(KEYWORDS.iter().map(|k| k.to_string()))
            .filter(|n| n.starts_with(partial) && !(hidden && n.starts_with("__")))
            .collect();
        names.sort();
        names.dedup();
        Completion::Candidates { start, items: candidates(names) }
    }

    fn complete_attr(&self, expr: &str, start: usize, partial: &str, quote: bool) -> Completion {
        self.reset_interrupt();
        let value = self.eval_text(expr);
        self.reset_interrupt();
        let value = match value {
            Ok(v) => v,
            Err(e) => return Completion::Failed(first_line(e.message())),
        };
        let Value::Attrs(attrs) = &value else {
            return Completion::Failed(format!("'{expr}' is {}, not a set", value.type_description()));
        };
        let prefix = partial.as_bytes();
        let items = attrs
            .iter_sorted()
            .filter(|a| a.name.bytes().starts_with(prefix))
            .map(|a| {
                let name = a.name.bytes();
                let shown = match std::str::from_utf8(name) {
                    Ok(s) if !quote && is_var_name(s) => s.to_string(),
                    _ => quoted(name),
                };
                Candidate { display: shown.clone(), replacement: shown }
            })
            .collect();
        Completion::Candidates { start, items }
    }
}

fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(160).collect();
    if out.len() < line.len() {
        out.push('…');
    }
    out
}

/// File names for a partial path (`./sr`, `/etc/pa`, `~/.con`, or a bare name after `:l`).
fn complete_files(partial: &str, start: usize) -> Completion {
    let (dir, name) = match partial.rfind('/') {
        Some(i) => (&partial[..=i], &partial[i + 1..]),
        None => ("", partial),
    };
    let dir_path = if let Some(rest) = dir.strip_prefix("~/") {
        format!("{}/{rest}", std::env::var("HOME").unwrap_or_default())
    } else if dir.is_empty() {
        ".".to_string()
    } else {
        dir.to_string()
    };
    let Ok(entries) = std::fs::read_dir(&dir_path) else {
        return Completion::Candidates { start, items: Vec::new() };
    };
    let mut items: Vec<Candidate> = entries
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            if !file.starts_with(name) || (file.starts_with('.') && !name.starts_with('.')) {
                return None;
            }
            let is_dir = std::fs::metadata(e.path()).map(|m| m.is_dir()).unwrap_or(false);
            let shown = if is_dir { format!("{file}/") } else { file };
            Some(Candidate { display: shown.clone(), replacement: format!("{dir}{shown}") })
        })
        .collect();
    items.sort_by(|a, b| a.display.cmp(&b.display));
    Completion::Candidates { start, items }
}

/// The rustyline helper: completion, error hints, and multi-line validation.
pub struct ReplHelper {
    repl: Rc<Repl>,
    /// Why the last completion failed, for the line and cursor position it was asked at.
    failure: RefCell<Option<(String, usize, String)>>,
}

impl ReplHelper {
    pub fn new(repl: Rc<Repl>) -> ReplHelper {
        ReplHelper { repl, failure: RefCell::new(None) }
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        // The handler for SIGINT is installed (the terminal loop did it), so Ctrl-C only
        // interrupts the evaluation of the prefix.
        match super::terminal::with_interrupts(|| self.repl.complete(line, pos)) {
            Completion::Candidates { start, items } => {
                self.failure.replace(None);
                let pairs = items.into_iter().map(|c| Pair { display: c.display, replacement: c.replacement });
                Ok((start, pairs.collect()))
            }
            Completion::Failed(why) => {
                self.failure.replace(Some((line.to_string(), pos, why)));
                // One empty candidate at the cursor: the line stays as it is, but rustyline
                // redraws it, which shows the hint.
                Ok((pos, vec![Pair { display: String::new(), replacement: String::new() }]))
            }
        }
    }
}

/// A hint that is only shown, never inserted (→ does nothing with it).
pub struct ErrorHint(String);

impl Hint for ErrorHint {
    fn display(&self) -> &str {
        &self.0
    }

    fn completion(&self) -> Option<&str> {
        None
    }
}

impl Hinter for ReplHelper {
    type Hint = ErrorHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<ErrorHint> {
        match &*self.failure.borrow() {
            Some((l, p, why)) if l == line && *p == pos => Some(ErrorHint(format!("  ✗ cannot complete: {why}"))),
            _ => None,
        }
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        false
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if super::validate::is_incomplete(ctx.input()) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl rustyline::Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Word {
        scan(text, 0)
    }

    #[test]
    fn finds_the_word_being_typed() {
        assert_eq!(word("foo"), Word::Var { start: 0 });
        assert_eq!(word("1 + fo"), Word::Var { start: 4 });
        assert_eq!(word("(f x).y"), Word::Nothing);
        assert_eq!(word("[ a.b.c"), Word::Attr { expr: (2, 5), start: 6, partial: "c".into(), quoted: false });
        assert_eq!(word("pkgsCross."), Word::Attr { expr: (0, 9), start: 10, partial: "".into(), quoted: false });
        assert_eq!(
            word("a.\"foo bar\".b"),
            Word::Attr { expr: (0, 11), start: 12, partial: "b".into(), quoted: false }
        );
        assert_eq!(word("a.\"fo"), Word::Attr { expr: (0, 1), start: 2, partial: "fo".into(), quoted: true });
        assert_eq!(word("\"abc ${x.y"), Word::Attr { expr: (7, 8), start: 9, partial: "y".into(), quoted: false });
        assert_eq!(word("''a ${ { b = 1; }.b } ${x"), Word::Var { start: 24 });
        assert_eq!(word("\"abc x."), Word::Nothing);
        assert_eq!(word("# x."), Word::Nothing);
        assert_eq!(word("./src/ma"), Word::File { start: 0 });
        assert_eq!(word("import <nixpkgs/li"), Word::Nothing);
        assert_eq!(word("1.5"), Word::Nothing);
        assert_eq!(
            word("a.${\"b\" + \"}\"}.c"),
            Word::Attr { expr: (0, 14), start: 15, partial: "c".into(), quoted: false }
        );
        assert_eq!(word("a.${b"), Word::Nothing);
    }
}
