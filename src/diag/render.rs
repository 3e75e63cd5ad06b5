//! Rendering errors for people: a miette diagnostic (message, file:line:column, the source
//! line with a caret) followed by a bounded trace.
//!
//! Traces are summarised by default: the innermost frames, every `addErrorContext` frame,
//! and a count of what was left out, with a hint about `--show-trace`. For infinite
//! recursion the chain of bindings that closed the cycle is shown when it was recovered.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::source_map::{describe_position, try_source, Span};
use crate::eval::error::{ErrorKind, EvalError};

/// How many ordinary trace frames are shown without `--show-trace`.
const SUMMARY_FRAMES: usize = 4;

struct Report {
    message: String,
    source: Option<NamedSource<String>>,
    label: Option<LabeledSpan>,
    help: Option<String>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label.clone().map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
}

fn use_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

fn handler() -> GraphicalReportHandler {
    let mut theme = if use_color() { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    theme.characters.error = "error:".into();
    GraphicalReportHandler::new_themed(theme).with_width(400).with_context_lines(1)
}

/// Removes ANSI escape sequences (`ESC [ … letter`), as CppNix does when its output is not
/// a terminal: messages built by Nix code (nixpkgs' module system colours its errors) must
/// not put control codes into logs and pipes.
pub fn strip_ansi(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\u{1b}') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text for standard error: escape codes kept only when it is a colour terminal.
pub fn for_stderr(text: &str) -> std::borrow::Cow<'_, str> {
    if use_color() {
        std::borrow::Cow::Borrowed(text)
    } else {
        strip_ansi(text)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Lines longer than this are shown as a window around the error, not whole.
const LONG_LINE: usize = 400;

/// The message, CppNix-style (continuation lines indented, so scripts can match them);
/// miette draws the source snippet and the help below it.
fn render_message(message: &str) -> String {
    let mut out = String::from("error: ");
    let message = for_stderr(message).into_owned();
    for (i, line) in message.lines().enumerate() {
        if i > 0 {
            out.push_str("       ");
        }
        out.push_str(line);
        out.push('\n');
    }
    if message.is_empty() {
        out.push('\n');
    }
    out
}

/// A snippet for an error on a very long line, drawn like miette's: about 60 characters of
/// the line before the error and 60 after it, elided with `…`, and the caret under the error.
fn long_line_snippet(
    file: &crate::diag::source_map::SourceFile,
    line: usize,
    column: usize,
    len: usize,
    label: Option<&str>,
) -> String {
    const CONTEXT: usize = 60;
    let text = file.line_text(line);
    let at = column - 1;
    let from = floor_char_boundary(text, at.saturating_sub(CONTEXT));
    let to = ceil_char_boundary(text, at + len.min(CONTEXT) + CONTEXT);
    let before = if from > 0 { "…" } else { "" };
    let after = if to < text.len() { "…" } else { "" };
    let caret_offset = before.chars().count() + text[from..at.max(from)].chars().count();
    let caret_len = text[at.min(text.len())..ceil_char_boundary(text, at + len.min(CONTEXT))].chars().count().max(1);
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    let mut out = format!("{pad} ╭─[{}:{line}:{column}]\n", file.name());
    out.push_str(&format!("{line} │ {before}{}{after}\n", &text[from..to]));
    out.push_str(&format!("{pad} · {}{}", " ".repeat(caret_offset), "─".repeat(caret_len)));
    if let Some(label) = label {
        out.push_str(&format!(" {label}"));
    }
    out.push_str(&format!("\n{pad} ╰────\n"));
    out
}

/// The main diagnostic for a message at an optional span.
pub fn render_snippet(message: &str, span: Option<Span>, label: Option<&str>, help: Option<String>) -> String {
    let mut report = Report { message: message.to_string(), source: None, label: None, help };
    if let Some(span) = span {
        if let Some(file) = try_source(span.file) {
            // Spans are byte offsets and may fall inside a multi-byte character (a lexer error
            // at a stray byte of UTF-8): widen them to whole characters.
            let start = floor_char_boundary(&file.text, span.start as usize);
            let end = ceil_char_boundary(&file.text, (span.end as usize).max(start));
            // A whole multi-line expression makes a poor caret: point at its first line.
            let first_line_end = file.text[start..end].find('\n').map(|i| start + i).unwrap_or(end);
            let len = first_line_end - start;
            let (line, column) = file.line_col(start as u32);
            if file.line_text(line).len() > LONG_LINE {
                // miette pads to the column with a width argument, which must stay below
                // 65,536 (a minified file's columns do not): show a window of the line.
                return format!(
                    "{}{}",
                    render_message(message),
                    long_line_snippet(&file, line, column, len.max(1), label)
                );
            }
            report.source = Some(NamedSource::new(file.name(), file.text.to_string()));
            report.label =
                Some(LabeledSpan::new_with_span(label.map(str::to_string), SourceSpan::new(start.into(), len)));
        }
    }
    let mut out = render_message(message);
    report.message.clear();
    let mut rendered = String::new();
    let _ = handler().render_report(&mut rendered, &report);
    // Drop miette's own (now empty) header line.
    let body = rendered.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
    out.push_str(body);
    out
}

/// Renders an evaluation error with its trace.
pub fn render_eval_error(e: &EvalError, show_trace: bool) -> String {
    render_eval_error_with_hint(e, show_trace, "use '--show-trace' to show them")
}

/// Like `render_eval_error`, with the words that tell how to see the frames left out (the
/// REPL has its own way).
pub fn render_eval_error_with_hint(e: &EvalError, show_trace: bool, hidden_hint: &str) -> String {
    let data = &e.0;
    let mut message = data.message.clone();
    if data.kind == ErrorKind::InfiniteRecursion {
        if let Some(cycle) = &data.cycle {
            if !cycle.names.is_empty() {
                let mut chain: Vec<&str> = cycle.names.iter().rev().map(String::as_str).collect();
                chain.push(chain[0]);
                message.push_str(&format!("\n  the cycle goes through: {}", chain.join(" → ")));
            }
        }
    }
    let help = if data.notes.is_empty() { None } else { Some(data.notes.join("\n")) };
    let mut out = render_snippet(&message, data.span, None, help);

    let frames = &data.frames;
    let mut shown = 0usize;
    let mut hidden = 0usize;
    for frame in frames {
        let show = show_trace || frame.important || shown < SUMMARY_FRAMES;
        if !show {
            hidden += 1;
            continue;
        }
        shown += 1;
        out.push_str("  … ");
        out.push_str(&frame.message);
        if let Some(span) = frame.span {
            if try_source(span.file).is_some() {
                out.push_str(&format!("\n    at {}", describe_position(span)));
            }
        }
        out.push('\n');
    }
    if hidden > 0 {
        out.push_str(&format!("  … {hidden} more frame{} ({hidden_hint})\n", if hidden == 1 { "" } else { "s" }));
    }
    out
}

/// A warning line in the same style.
pub fn render_warning(message: &str) -> String {
    format!("warning: {message}\n")
}

/// A warning about a place in the source: the message, then the position and the line.
pub fn render_warning_at(message: &str, span: Span) -> String {
    let mut out = format!("warning: {message}\n");
    if let Some(file) = try_source(span.file) {
        let (line, col) = file.line_col(span.start);
        out.push_str(&format!("  at {}:{line}:{col}:\n", file.name()));
        out.push_str(&format!("  {line:>4}| {}\n", file.line_text(line)));
        out.push_str(&format!("      | {}^\n", " ".repeat(col.saturating_sub(1))));
    }
    out
}
