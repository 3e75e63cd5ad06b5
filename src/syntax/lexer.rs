//! The modal lexer: turns source text into the token stream the grammar consumes.
//!
//! Nix's lexical structure depends on context, so the lexer keeps a stack of modes exactly
//! like CppNix's flex scanner: `{` and `${` push the default mode and `}` pops it, `"` enters
//! a string, `''` an indented string, and a path literal enters a path-continuation mode in
//! which `${…}` interpolations and further path characters may follow; the first character
//! that cannot continue the path yields a zero-width `PathEnd` token.
//!
//! Default-mode tokens come from logos (`RawTok`); the string modes are scanned by hand
//! because their rules need one character of lookahead (`$` not followed by `{`), which a
//! DFA lexer cannot express. The lexer never looks at parser state.

use logos::Logos;

use super::token::{RawTok, Tok};

/// A lexical error with the byte span it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Default,
    Str,
    IndStr,
    /// After a path segment that did not end in `/`.
    InPath,
    /// After a path segment ending in `/`: only `${` or more path may follow.
    InPathSlash,
}

pub type Spanned<'a> = (usize, Tok<'a>, usize);

pub struct Lexer<'a> {
    /// The source as bytes: Nix source may hold any bytes inside strings and comments.
    src: &'a [u8],
    pos: usize,
    /// The mode stack; empty means the initial default mode, where `}` does not pop.
    modes: Vec<Mode>,
    finished: bool,
}

fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+')
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        Lexer { src, pos: 0, modes: Vec::new(), finished: false }
    }

    fn mode(&self) -> Mode {
        self.modes.last().copied().unwrap_or(Mode::Default)
    }

    fn bytes(&self) -> &'a [u8] {
        self.src
    }

    fn at(&self, offset: usize) -> Option<u8> {
        self.bytes().get(self.pos + offset).copied()
    }

    fn error(&mut self, start: usize, end: usize, message: impl Into<String>) -> LexError {
        self.finished = true;
        LexError { start, end, message: message.into() }
    }

    fn next_token(&mut self) -> Option<Result<Spanned<'a>, LexError>> {
        if self.finished {
            return None;
        }
        match self.mode() {
            Mode::Default => self.lex_default(),
            Mode::Str => Some(self.lex_string()),
            Mode::IndStr => Some(self.lex_ind_string()),
            Mode::InPath | Mode::InPathSlash => self.lex_path_continuation(),
        }
    }

    fn lex_default(&mut self) -> Option<Result<Spanned<'a>, LexError>> {
        let rest = &self.src[self.pos..];
        let mut raw = RawTok::lexer(rest);
        let kind = raw.next()?;
        let span = raw.span();
        let (start, end) = (self.pos + span.start, self.pos + span.end);
        // Every token but string contents (scanned elsewhere) is ASCII by its pattern.
        let text = std::str::from_utf8(&self.src[start..end]).unwrap_or("");
        self.pos = end;
        let kind = match kind {
            Ok(k) => k,
            Err(()) => {
                // The raw lexer works on bytes: name the whole character (a UTF-8 sequence
                // is up to four bytes) and point at all of it.
                let tail = &self.src[start..self.src.len().min(start + 4)];
                let valid = match std::str::from_utf8(tail) {
                    Ok(s) => s,
                    Err(e) => std::str::from_utf8(&tail[..e.valid_up_to()]).unwrap_or(""),
                };
                let (shown, end) = match valid.chars().next() {
                    Some(ch) if !ch.is_control() => (ch.to_string(), start + ch.len_utf8()),
                    Some(ch) => (ch.escape_default().to_string(), start + ch.len_utf8()),
                    None => (format!("\\x{:02x}", self.src[start]), end),
                };
                self.pos = end;
                return Some(Err(self.error(start, end, format!("unexpected character '{shown}'"))));
            }
        };
        let tok = match kind {
            RawTok::If => Tok::If,
            RawTok::Then => Tok::Then,
            RawTok::Else => Tok::Else,
            RawTok::Assert => Tok::Assert,
            RawTok::With => Tok::With,
            RawTok::Let => Tok::Let,
            RawTok::In => Tok::In,
            RawTok::Rec => Tok::Rec,
            RawTok::Inherit => Tok::Inherit,
            RawTok::OrKw => Tok::OrKw,
            RawTok::Ellipsis => Tok::Ellipsis,
            RawTok::Eq => Tok::Eq,
            RawTok::Neq => Tok::Neq,
            RawTok::Leq => Tok::Leq,
            RawTok::Geq => Tok::Geq,
            RawTok::And => Tok::And,
            RawTok::Or => Tok::Or,
            RawTok::Impl => Tok::Impl,
            RawTok::Update => Tok::Update,
            RawTok::Concat => Tok::Concat,
            RawTok::PipeFrom => Tok::PipeFrom,
            RawTok::PipeInto => Tok::PipeInto,
            RawTok::Id => Tok::Id(text),
            RawTok::Int => match text.parse::<i64>() {
                Ok(n) => Tok::Int(n),
                Err(_) => return Some(Err(self.error(start, end, format!("invalid integer '{text}'")))),
            },
            RawTok::Float => match text.parse::<f64>() {
                Ok(f) if f.is_finite() && !underflows(text, f) => Tok::Float(f),
                _ => return Some(Err(self.error(start, end, format!("invalid float '{text}'")))),
            },
            RawTok::Path | RawTok::HPath => {
                self.modes.push(if text.ends_with('/') { Mode::InPathSlash } else { Mode::InPath });
                if kind == RawTok::Path {
                    Tok::Path(text)
                } else {
                    Tok::HPath(text)
                }
            }
            RawTok::PathSegInterp | RawTok::HPathStartInterp => {
                // Give back the `${`; it is lexed again in path-continuation mode.
                let seg_end = end - 2;
                self.pos = seg_end;
                self.modes.push(Mode::InPathSlash);
                let seg = std::str::from_utf8(&self.src[start..seg_end]).unwrap_or("");
                let tok = if kind == RawTok::PathSegInterp { Tok::Path(seg) } else { Tok::HPath(seg) };
                return Some(Ok((start, tok, seg_end)));
            }
            RawTok::SPath => Tok::SPath(text),
            RawTok::Uri => Tok::Uri(text),
            RawTok::DollarCurly => {
                self.modes.push(Mode::Default);
                Tok::DollarCurly
            }
            RawTok::LBrace => {
                self.modes.push(Mode::Default);
                Tok::LBrace
            }
            RawTok::RBrace => {
                // Only a pushed default mode is popped; the initial one stays.
                if !self.modes.is_empty() {
                    self.modes.pop();
                }
                Tok::RBrace
            }
            RawTok::Quote => {
                self.modes.push(Mode::Str);
                Tok::Quote
            }
            RawTok::IndOpen => {
                self.modes.push(Mode::IndStr);
                Tok::IndOpen
            }
            RawTok::LBracket => Tok::LBracket,
            RawTok::RBracket => Tok::RBracket,
            RawTok::LParen => Tok::LParen,
            RawTok::RParen => Tok::RParen,
            RawTok::Semi => Tok::Semi,
            RawTok::Colon => Tok::Colon,
            RawTok::Comma => Tok::Comma,
            RawTok::At => Tok::At,
            RawTok::Dot => Tok::Dot,
            RawTok::Question => Tok::Question,
            RawTok::Assign => Tok::Assign,
            RawTok::Lt => Tok::Lt,
            RawTok::Gt => Tok::Gt,
            RawTok::Plus => Tok::Plus,
            RawTok::Minus => Tok::Minus,
            RawTok::Star => Tok::Star,
            RawTok::Slash => Tok::Slash,
            RawTok::Bang => Tok::Bang,
        };
        Some(Ok((start, tok, end)))
    }

    fn null_byte_error(&mut self, start: usize, text: &[u8]) -> LexError {
        let shown = String::from_utf8_lossy(text).replace('\0', "\u{2400}");
        self.error(
            start,
            start + 1,
            format!("input string '{shown}' cannot be represented as Nix string because it contains null bytes"),
        )
    }

    /// Inside `"…"`: a literal chunk, `${`, or the closing quote.
    fn lex_string(&mut self) -> Result<Spanned<'a>, LexError> {
        let start = self.pos;
        match (self.at(0), self.at(1)) {
            (None, _) => return Err(self.error(start, start, "syntax error, unexpected end of file, expecting '\"'")),
            (Some(b'"'), _) => {
                self.pos += 1;
                self.modes.pop();
                return Ok((start, Tok::Quote, self.pos));
            }
            (Some(b'$'), Some(b'{')) => {
                self.pos += 2;
                self.modes.push(Mode::Default);
                return Ok((start, Tok::DollarCurly, self.pos));
            }
            _ => {}
        }
        let bytes = self.bytes();
        let mut out = Vec::new();
        let mut i = self.pos;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => break,
                b'$' => match bytes.get(i + 1) {
                    Some(b'{') => break,
                    // `$` then a quote or escape: the `$` is literal, the rest is lexed next.
                    Some(b'"') | Some(b'\\') => {
                        out.push(b'$');
                        i += 1;
                    }
                    // `$x` is consumed as a pair, so `$${` is literal text.
                    Some(&c) => {
                        out.push(b'$');
                        out.push(c);
                        i += 2;
                    }
                    None => {
                        return Err(self.error(
                            start,
                            bytes.len(),
                            "syntax error, unexpected end of file, expecting '\"'",
                        ))
                    }
                },
                b'\\' => match bytes.get(i + 1) {
                    Some(&c) => {
                        out.push(unescape(c));
                        i += 2;
                    }
                    None => {
                        return Err(self.error(
                            start,
                            bytes.len(),
                            "syntax error, unexpected end of file, expecting '\"'",
                        ))
                    }
                },
                // A literal CR or CR LF is a line break (an escaped `\r` is not).
                b'\r' => {
                    out.push(b'\n');
                    i += if bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                }
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        self.pos = i;
        if out.contains(&0) {
            return Err(self.null_byte_error(start, &out));
        }
        Ok((start, Tok::Str(out), i))
    }

    /// Inside `''…''`: a literal chunk, an escape, `${`, or the closing `''`.
    fn lex_ind_string(&mut self) -> Result<Spanned<'a>, LexError> {
        let start = self.pos;
        let single = |this: &mut Self, len: usize, text: &[u8]| {
            this.pos += len;
            Ok((start, Tok::IndStr(text.to_vec(), false), this.pos))
        };
        match (self.at(0), self.at(1), self.at(2)) {
            (None, _, _) => {
                return Err(self.error(
                    start,
                    start,
                    "syntax error, unexpected end of file, expecting end of an indented string",
                ))
            }
            (Some(b'\''), Some(b'\''), Some(b'$')) => return single(self, 3, b"$"),
            (Some(b'\''), Some(b'\''), Some(b'\'')) => return single(self, 3, b"''"),
            (Some(b'\''), Some(b'\''), Some(b'\\')) => {
                return match self.at(3) {
                    Some(c) => single(self, 4, &[unescape(c)]),
                    None => Err(self.error(
                        start,
                        self.bytes().len(),
                        "syntax error, unexpected end of file, expecting end of an indented string",
                    )),
                };
            }
            (Some(b'\''), Some(b'\''), _) => {
                self.pos += 2;
                self.modes.pop();
                return Ok((start, Tok::IndClose, self.pos));
            }
            (Some(b'$'), Some(b'{'), _) => {
                self.pos += 2;
                self.modes.push(Mode::Default);
                return Ok((start, Tok::DollarCurly, self.pos));
            }
            _ => {}
        }
        let bytes = self.bytes();
        let mut i = self.pos;
        while i < bytes.len() {
            match bytes[i] {
                b'$' => match bytes.get(i + 1) {
                    Some(b'{') | Some(b'\'') | None => break,
                    Some(_) => i += 2,
                },
                b'\'' => match bytes.get(i + 1) {
                    Some(b'\'') | Some(b'$') | None => break,
                    Some(_) => i += 2,
                },
                _ => i += 1,
            }
        }
        if i == self.pos {
            // A lone `$` or `'` that cannot start a chunk.
            let text = [bytes[i]];
            return single(self, 1, &text);
        }
        self.pos = i;
        if bytes[start..i].contains(&0) {
            return Err(self.null_byte_error(start, &bytes[start..i]));
        }
        Ok((start, Tok::IndStr(bytes[start..i].to_vec(), true), i))
    }

    /// After a path literal: `${`, more path text, or the end of the path.
    fn lex_path_continuation(&mut self) -> Option<Result<Spanned<'a>, LexError>> {
        let start = self.pos;
        if self.at(0) == Some(b'$') && self.at(1) == Some(b'{') {
            self.pos += 2;
            self.modes.pop();
            self.modes.push(Mode::InPath);
            self.modes.push(Mode::Default);
            return Some(Ok((start, Tok::DollarCurly, self.pos)));
        }
        let bytes = self.bytes();
        let mut i = start;
        while i < bytes.len() && is_path_char(bytes[i]) {
            i += 1;
        }
        while i < bytes.len() && bytes[i] == b'/' {
            if bytes.get(i + 1).is_some_and(|&c| is_path_char(c)) {
                i += 1;
                while i < bytes.len() && is_path_char(bytes[i]) {
                    i += 1;
                }
            } else {
                i += 1;
                break;
            }
        }
        if i > start {
            self.pos = i;
            self.modes.pop();
            self.modes.push(if bytes[i - 1] == b'/' { Mode::InPathSlash } else { Mode::InPath });
            return Some(Ok((start, Tok::Str(bytes[start..i].to_vec()), i)));
        }
        if self.mode() == Mode::InPathSlash {
            return Some(Err(self.error(start.saturating_sub(1), start, "path has a trailing slash")));
        }
        self.modes.pop();
        Some(Ok((start, Tok::PathEnd, start)))
    }
}

/// The character a backslash escape stands for in `"…"` and after `''\` in `''…''`.
/// Whether a float literal underflows: CppNix reads literals with `strtod`, which reports a
/// range error when a non-zero number comes out as zero or subnormal, and refuses them.
fn underflows(text: &str, value: f64) -> bool {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let written_non_zero = mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b));
    written_non_zero && (value == 0.0 || value.is_subnormal())
}

fn unescape(c: u8) -> u8 {
    match c {
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        other => other,
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Result<Spanned<'a>, LexError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_token()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok<'_>> {
        Lexer::new(src.as_bytes()).map(|r| r.expect("lex error").1).collect()
    }

    #[test]
    fn paths_uris_and_ids() {
        assert_eq!(toks("a/b"), vec![Tok::Path("a/b"), Tok::PathEnd]);
        assert_eq!(toks("x:x"), vec![Tok::Uri("x:x")]);
        assert_eq!(toks("x: x"), vec![Tok::Id("x"), Tok::Colon, Tok::Id("x")]);
        assert_eq!(toks("a-b - c"), vec![Tok::Id("a-b"), Tok::Minus, Tok::Id("c")]);
        assert_eq!(toks("<nixpkgs/lib>"), vec![Tok::SPath("<nixpkgs/lib>")]);
    }

    #[test]
    fn interpolated_path() {
        assert_eq!(
            toks("./a/${x}.nix"),
            vec![
                Tok::Path("./a/"),
                Tok::DollarCurly,
                Tok::Id("x"),
                Tok::RBrace,
                Tok::Str(b".nix".to_vec()),
                Tok::PathEnd
            ]
        );
    }

    #[test]
    fn string_dollar_rules() {
        assert_eq!(toks(r#""$${x}""#), vec![Tok::Quote, Tok::Str(b"$${x}".to_vec()), Tok::Quote]);
        assert_eq!(toks(r#""a$""#), vec![Tok::Quote, Tok::Str(b"a$".to_vec()), Tok::Quote]);
    }

    #[test]
    fn numbers() {
        assert_eq!(toks("1.5 .5 2.0e-3 007"), vec![Tok::Float(1.5), Tok::Float(0.5), Tok::Float(0.002), Tok::Int(7)]);
    }
}
