//! `:doc`: documentation of builtins (their table's doc text) and of Nix functions (the
//! RFC 145 doc comment `/** … */` written before the function's binding).
//!
//! A function's doc comment is found from its source span: going back from the lambda over
//! whitespace, `=`, and the binding's attribute path, the text must end with `*/` closing a
//! `/**` comment. For `name = /** … */ x: …` the comment right before the lambda counts
//! too. When the function has none, the attribute the user named is tried the same way
//! (which covers `/** … */ inherit f;`). The comment's common indentation is removed.

use crate::diag::source_map::{describe_position, try_source, Span};
use crate::eval::builtins::PrimOp;
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::value::Value;

use super::Repl;

const BOLD: &str = "\x1b[1m";
const NORMAL: &str = "\x1b[0m";

impl Repl {
    pub(super) fn doc(&self, arg: &str) -> EvalResult<()> {
        // For `a.b.c`, the attribute's own position is a fallback place for a doc comment.
        let attr_span = self.attr_position(arg);
        let v = self.eval_text(arg)?;
        let text = match &v {
            Value::PrimOp(op) => builtin_doc(op, self.colors),
            Value::PrimOpApp(app) => builtin_doc(app.op, self.colors),
            Value::Lambda(c) => {
                let name = c.lambda.name.map(|n| n.as_str().into_owned()).or_else(|| last_component(arg));
                let doc = doc_comment_for_lambda(c.lambda.span).or_else(|| attr_span.and_then(doc_comment_for_attr));
                function_doc(name.as_deref(), c.lambda.span, doc.as_deref(), self.colors)
            }
            _ => match attr_span.and_then(doc_comment_for_attr) {
                Some(doc) => {
                    let name = last_component(arg);
                    function_doc(name.as_deref(), attr_span.expect("checked"), Some(&doc), self.colors).replacen(
                        "Function",
                        "Attribute",
                        1,
                    )
                }
                None => {
                    return Err(EvalError::msg(format!(
                        "value does not have documentation (it is {}; `:doc` shows builtins and functions with \
                         a /** doc comment */)",
                        v.type_description()
                    )))
                }
            },
        };
        println!("{}", text.trim_end());
        Ok(())
    }

    /// For an argument of the form `expr.name`: the position of `name`'s definition in the
    /// set `expr` evaluates to. Errors are ignored (the evaluation of the whole argument
    /// reports them).
    fn attr_position(&self, arg: &str) -> Option<Span> {
        let (expr, name) = split_last_select(arg)?;
        let set = self.eval_text(expr).ok()?;
        let Value::Attrs(a) = set else { return None };
        a.get_attr(crate::symbol::Symbol::intern(&name))?.pos.span()
    }
}

/// `a.b."c d"` → (`a.b`, `c d`); `None` unless the text is a plain attribute path.
fn split_last_select(arg: &str) -> Option<(&str, String)> {
    let arg = arg.trim();
    let b = arg.as_bytes();
    let mut last_dot = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = arg[i + 1..].find('"')? + i + 1;
                i = end + 1;
            }
            b'.' => {
                last_dot = Some(i);
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'\'' | b'-') => i += 1,
            _ => return None,
        }
    }
    let dot = last_dot?;
    let name = arg[dot + 1..].trim_matches('"').to_string();
    Some((&arg[..dot], name))
}

fn last_component(arg: &str) -> Option<String> {
    split_last_select(arg).map(|(_, n)| n).or_else(|| {
        let a = arg.trim();
        crate::eval::pretty::is_var_name(a).then(|| a.to_string())
    })
}

fn bold(text: &str, colors: bool) -> String {
    if colors {
        format!("{BOLD}{text}{NORMAL}")
    } else {
        text.to_string()
    }
}

/// `Synopsis: builtins.map f list` and the doc text, indented as `nix repl` shows it.
pub fn builtin_doc(op: &PrimOp, colors: bool) -> String {
    let mut out = String::new();
    let args: Vec<String> = op.args.iter().map(|a| a.to_string()).collect();
    let synopsis = format!("builtins.{} {}", op.name, args.join(" "));
    out.push_str(&format!("{} {}\n\n", bold("Synopsis:", colors), synopsis.trim_end()));
    out.push_str(&render_markdown(op.doc, colors));
    out
}

fn function_doc(name: Option<&str>, span: Span, doc: Option<&str>, colors: bool) -> String {
    let mut out = match name {
        Some(n) => format!("{} {}\n", bold("Function", colors), bold(n, colors)),
        None => format!("{}\n", bold("Function", colors)),
    };
    out.push_str(&format!("    … defined at {}\n\n", describe_position(span)));
    match doc {
        Some(d) => out.push_str(&render_markdown(d, colors)),
        None => out.push_str("    No documentation found.\n"),
    }
    out
}

/// A light rendering of Markdown for the terminal: text indented by four spaces, headings
/// in bold, fenced code blocks marked with a bar.
fn render_markdown(text: &str, colors: bool) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(&format!("    │ {line}\n"));
        } else if let Some(h) = trimmed.strip_prefix('#').map(|h| h.trim_start_matches('#').trim()) {
            out.push_str(&format!("    {}\n", bold(h, colors)));
        } else if line.trim().is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("    {line}\n"));
        }
    }
    out
}

/// The doc comment of the lambda at `span`, from its source text.
pub fn doc_comment_for_lambda(span: Span) -> Option<String> {
    let file = try_source(span.file)?;
    let before = file.text.get(..span.start as usize)?.trim_end();
    // `name = /** … */ x: …`
    if let Some(c) = comment_ending_at(before) {
        return Some(c);
    }
    // `/** … */ name = x: …`
    let before = before.strip_suffix('=')?.trim_end();
    let before = strip_attr_path(before)?.trim_end();
    comment_ending_at(before)
}

/// The doc comment before an attribute's definition (the name in `name = …` or in
/// `inherit (…) name;`).
pub fn doc_comment_for_attr(span: Span) -> Option<String> {
    let file = try_source(span.file)?;
    let mut before = file.text.get(..span.start as usize)?.trim_end();
    if let Some(c) = comment_ending_at(before) {
        return Some(c);
    }
    // Inside `inherit a b (src) c;`: go back to the keyword.
    if let Some(i) = before.rfind("inherit") {
        let between = &before[i + "inherit".len()..];
        if !between.contains(';') && !between.contains('=') {
            before = before[..i].trim_end();
            return comment_ending_at(before);
        }
    }
    None
}

/// Strips an attribute path (`a.b."c"`) from the end of the text; `None` if there is none.
fn strip_attr_path(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let mut end = b.len();
    loop {
        if end > 0 && b[end - 1] == b'"' {
            let open = text[..end - 1].rfind('"')?;
            end = open;
        } else {
            let start = text[..end]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-')))
                .map(|i| i + 1)
                .unwrap_or(0);
            if start == end {
                return None;
            }
            end = start;
        }
        if end > 0 && b[end - 1] == b'.' {
            end -= 1;
            continue;
        }
        return Some(&text[..end]);
    }
}

/// If `text` ends with a `/** … */` comment, its inner text with the common indentation
/// removed.
fn comment_ending_at(text: &str) -> Option<String> {
    let body = text.strip_suffix("*/")?;
    let open = body.rfind("/**")?;
    let inner = &body[open + 3..];
    if inner.contains("*/") {
        return None;
    }
    Some(strip_indentation(inner))
}

/// Removes the indentation common to all non-blank lines (the first line counts only if
/// it has text), and blank lines at both ends.
fn strip_indentation(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let indent = lines
        .iter()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            out.push(line.trim().to_string());
        } else if line.trim().is_empty() {
            out.push(String::new());
        } else {
            out.push(line.get(indent..).unwrap_or(line.trim_start()).trim_end().to_string());
        }
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_before_bindings() {
        let text = "{\n  /**\n    Maps each attribute.\n\n    # Example\n      f x\n  */\n  mapAttrs' = f: set: 1;\n}";
        let start = text.find("f: set").expect("present");
        let before = text[..start].trim_end().strip_suffix('=').expect("=").trim_end();
        let before = strip_attr_path(before).expect("a name").trim_end();
        assert_eq!(comment_ending_at(before).as_deref(), Some("Maps each attribute.\n\n# Example\n  f x"));
        assert_eq!(strip_attr_path("x a.\"b c\".d"), Some("x "));
        assert_eq!(comment_ending_at("/* plain */"), None);
        assert_eq!(comment_ending_at("/** a */ x = 1; /* b */"), None);
        assert_eq!(split_last_select("lib.attrsets.mapAttrs'"), Some(("lib.attrsets", "mapAttrs'".to_string())));
        assert_eq!(split_last_select("f x"), None);
    }
}
