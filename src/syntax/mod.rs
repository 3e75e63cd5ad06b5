//! Parsing: source text to AST. `parse` is the only entry point.

pub mod ast;
pub mod lexer;
pub mod nesting;
pub mod show;
pub mod token;

use lalrpop_util::{lalrpop_mod, ParseError as LalrError};

use crate::diag::source_map::{FileId, Span};
use ast::{Expr, SyntaxError};
use lexer::{LexError, Lexer};
use token::Tok;

lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_parens, dead_code)]
    grammar,
    "/nix.rs"
);

/// Experimental syntax a parse accepts (CppNix's `--extra-experimental-features`).
#[derive(Clone, Copy, Debug)]
pub struct Features {
    /// `|>` and `<|` (`pipe-operators`).
    pub pipe_operators: bool,
}

impl Features {
    pub const ALL: Features = Features { pipe_operators: true };
}

/// Parses a whole source file (registered under `file`) into an expression, accepting all
/// experimental syntax.
pub fn parse(file: FileId, src: &[u8]) -> Result<Expr, SyntaxError> {
    parse_with(file, src, Features::ALL)
}

/// Parses a whole source file, refusing experimental syntax `features` leaves off.
pub fn parse_with(file: FileId, src: &[u8], features: Features) -> Result<Expr, SyntaxError> {
    let tokens = Lexer::new(src).map(|r| {
        let r = r.and_then(|spanned| refuse_disabled(spanned, features));
        r.map_err(|e: LexError| SyntaxError { span: Span::new(file, e.start, e.end), message: e.message })
    });
    let parser = grammar::ExprParser::new();
    // lalrpop keeps its own stack, so parsing itself never recurses; the passes after it
    // do, which is why the tree's depth is bounded here.
    let expr = parser.parse(file, tokens).map_err(|e| convert_error(file, src, e))?;
    nesting::check_depth(&expr, Span::new(file, 0, 0))?;
    Ok(expr)
}

/// A token of experimental syntax that is not turned on becomes an error at its place.
fn refuse_disabled(spanned: lexer::Spanned<'_>, features: Features) -> Result<lexer::Spanned<'_>, LexError> {
    let (start, tok, end) = &spanned;
    if matches!(tok, Tok::PipeInto | Tok::PipeFrom) && !features.pipe_operators {
        return Err(LexError {
            start: *start,
            end: *end,
            message: "experimental Nix feature 'pipe-operators' is disabled; add '--extra-experimental-features \
                      pipe-operators' to enable it"
                .into(),
        });
    }
    Ok(spanned)
}

fn describe_expected(expected: &[String]) -> String {
    let names: Vec<String> = expected
        .iter()
        .map(|t| {
            let t = t.trim_matches('"').replace("\\\"", "\"");
            match t.as_str() {
                "id" => "identifier".to_string(),
                "int" => "integer".to_string(),
                "float" => "floating-point literal".to_string(),
                "str" => "string".to_string(),
                "indstr" => "indented string".to_string(),
                "path" => "path".to_string(),
                "hpath" => "'~/…' path".to_string(),
                "spath" => "'<…>' path".to_string(),
                "uri" => "URI".to_string(),
                "''" => "start of an indented string".to_string(),
                "end of path" | "end of indented string" => t.clone(),
                other => format!("'{other}'"),
            }
        })
        .collect();
    match names.len() {
        0 => String::new(),
        1 => format!(", expecting {}", names[0]),
        // Long lists help nobody; CppNix also stops after a few.
        n if n > 5 => String::new(),
        _ => format!(", expecting {}", names.join(" or ")),
    }
}

fn convert_error(file: FileId, src: &[u8], e: LalrError<usize, Tok<'_>, SyntaxError>) -> SyntaxError {
    match e {
        LalrError::InvalidToken { location } => {
            SyntaxError { span: Span::new(file, location, location + 1), message: "syntax error, invalid token".into() }
        }
        LalrError::UnrecognizedEof { location, expected } => SyntaxError {
            span: Span::new(file, location.min(src.len()), location.min(src.len())),
            message: format!("syntax error, unexpected end of file{}", describe_expected(&expected)),
        },
        LalrError::UnrecognizedToken { token: (l, tok, r), expected } => SyntaxError {
            span: Span::new(file, l, r),
            message: format!("syntax error, unexpected {}{}", tok.describe(), describe_expected(&expected)),
        },
        LalrError::ExtraToken { token: (l, tok, r) } => {
            SyntaxError { span: Span::new(file, l, r), message: format!("syntax error, unexpected {}", tok.describe()) }
        }
        LalrError::User { error } => error,
    }
}
