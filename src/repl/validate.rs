//! Is an input line complete? Multi-line input continues while the real parser says the
//! text ended too early (an open bracket, string, `let` without `in`, a trailing operator):
//! its error is "unexpected end of file". Any other syntax error is the user's to see, so
//! the line is accepted and reported.

use crate::diag::source_map::FileId;

use super::commands::{binding, split_command, Command};

/// Whether the text holds nothing but whitespace and comments.
pub fn is_blank(input: &str) -> bool {
    crate::syntax::lexer::Lexer::new(input.as_bytes()).next().is_none()
}

/// Whether the parser wants more text after `input`.
pub fn is_incomplete_expr(input: &str) -> bool {
    if is_blank(input) {
        return false;
    }
    // Never registered: the spans of a throwaway parse are not shown.
    match crate::syntax::parse(FileId(u32::MAX), input.as_bytes()) {
        Ok(_) => false,
        Err(e) => {
            // The lexer reports an unterminated `/* …` as an unexpected `/`.
            let at = e.span.start as usize;
            let open_comment = input.get(at..).is_some_and(|rest| rest.starts_with("/*") && !rest[2..].contains("*/"));
            open_comment || e.message.contains("unexpected end of file")
        }
    }
}

/// Whether a REPL line (an expression, a binding or a command with an expression argument)
/// needs more lines.
pub fn is_incomplete(line: &str) -> bool {
    let trimmed = line.trim_start();
    if trimmed.starts_with(':') {
        let (name, arg) = split_command(trimmed);
        return match Command::find(name) {
            Some(c) if c.takes_expr() => is_incomplete_expr(arg),
            _ => false,
        };
    }
    match binding(trimmed) {
        Some((_, rhs)) => rhs.trim().is_empty() || is_incomplete_expr(rhs),
        None => is_incomplete_expr(line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_constructs_continue() {
        for text in [
            "{",
            "[ 1 2",
            "(1 +",
            "\"abc",
            "''\n  text",
            "let x = 1;",
            "let x = 1; in",
            "if true then 1",
            "x = {",
            ":p {",
            "\"a ${",
            "/* comment",
        ] {
            assert!(is_incomplete(text), "{text:?} should continue");
        }
    }

    #[test]
    fn complete_or_wrong_lines_are_accepted() {
        for text in
            ["1 + 1", "{ }", "let x = 1; in x", ")", "{ a = 1; ]", "x = 1", ":q", ":l foo", "", "1 +)", "# note"]
        {
            assert!(!is_incomplete(text), "{text:?} should be accepted");
        }
    }
}
