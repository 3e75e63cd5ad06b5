//! Tokens handed from the lexer to the lalrpop parser.
//!
//! The default-mode tokens are recognised by logos (`RawTok`); string, indented-string and
//! path-continuation contents are scanned by hand in `lexer.rs` and arrive here already
//! unescaped. Every token is paired with its byte span by the lexer.

use logos::Logos;

/// A token as the parser sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok<'a> {
    Id(&'a str),
    Int(i64),
    Float(f64),
    /// A literal chunk of a `"…"` string (escapes already resolved) or of a path continuation.
    Str(Vec<u8>),
    /// A literal chunk of a `''…''` string; `indented` is false for escapes like `''$`,
    /// which never count as indentation.
    IndStr(Vec<u8>, bool),
    Path(&'a str),
    HPath(&'a str),
    SPath(&'a str),
    Uri(&'a str),
    PathEnd,
    DollarCurly,
    Quote,
    IndOpen,
    IndClose,

    If,
    Then,
    Else,
    Assert,
    With,
    Let,
    In,
    Rec,
    Inherit,
    OrKw,
    Ellipsis,

    Eq,
    Neq,
    Leq,
    Geq,
    And,
    Or,
    Impl,
    Update,
    Concat,
    PipeFrom,
    PipeInto,

    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Semi,
    Colon,
    Comma,
    At,
    Dot,
    Question,
    Assign,
    Lt,
    Gt,
    Plus,
    Minus,
    Star,
    Slash,
    Bang,
}

impl Tok<'_> {
    /// How the token is named in "expected …" / "unexpected …" messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Id(s) => format!("identifier '{s}'"),
            Tok::Int(_) => "integer".into(),
            Tok::Float(_) => "floating-point literal".into(),
            Tok::Str(_) => "string".into(),
            Tok::IndStr(..) => "indented string".into(),
            Tok::Path(_) => "path".into(),
            Tok::HPath(_) => "'~/…' path".into(),
            Tok::SPath(_) => "'<…>' path".into(),
            Tok::Uri(_) => "URI".into(),
            Tok::PathEnd => "end of path".into(),
            Tok::DollarCurly => "'${'".into(),
            Tok::Quote => "'\"'".into(),
            Tok::IndOpen => "start of an indented string".into(),
            Tok::IndClose => "end of an indented string".into(),
            other => format!("'{}'", other.punct_text()),
        }
    }

    fn punct_text(&self) -> &'static str {
        match self {
            Tok::If => "if",
            Tok::Then => "then",
            Tok::Else => "else",
            Tok::Assert => "assert",
            Tok::With => "with",
            Tok::Let => "let",
            Tok::In => "in",
            Tok::Rec => "rec",
            Tok::Inherit => "inherit",
            Tok::OrKw => "or",
            Tok::Ellipsis => "...",
            Tok::Eq => "==",
            Tok::Neq => "!=",
            Tok::Leq => "<=",
            Tok::Geq => ">=",
            Tok::And => "&&",
            Tok::Or => "||",
            Tok::Impl => "->",
            Tok::Update => "//",
            Tok::Concat => "++",
            Tok::PipeFrom => "<|",
            Tok::PipeInto => "|>",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::Semi => ";",
            Tok::Colon => ":",
            Tok::Comma => ",",
            Tok::At => "@",
            Tok::Dot => ".",
            Tok::Question => "?",
            Tok::Assign => "=",
            Tok::Lt => "<",
            Tok::Gt => ">",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Bang => "!",
            _ => "?",
        }
    }
}

/// Default-mode tokens, recognised by logos with longest-match semantics (which is what
/// makes `a/b` a path, `x:x` a URI and `a-b` one identifier, as in Nix).
#[derive(Logos, Debug, Clone, Copy, PartialEq)]
#[logos(utf8 = false)]
#[logos(skip r"[ \t\r\n]+")]
#[logos(skip(r"#[^\r\n]*", allow_greedy = true))]
#[logos(skip r"/\*([^*]|\*+[^*/])*\*+/")]
pub enum RawTok {
    #[token("if")]
    If,
    #[token("then")]
    Then,
    #[token("else")]
    Else,
    #[token("assert")]
    Assert,
    #[token("with")]
    With,
    #[token("let")]
    Let,
    #[token("in")]
    In,
    #[token("rec")]
    Rec,
    #[token("inherit")]
    Inherit,
    #[token("or")]
    OrKw,
    #[token("...")]
    Ellipsis,
    #[token("==")]
    Eq,
    #[token("!=")]
    Neq,
    #[token("<=")]
    Leq,
    #[token(">=")]
    Geq,
    #[token("&&")]
    And,
    #[token("||")]
    Or,
    #[token("->")]
    Impl,
    #[token("//")]
    Update,
    #[token("++")]
    Concat,
    #[token("<|")]
    PipeFrom,
    #[token("|>")]
    PipeInto,

    #[regex(r"[a-zA-Z_][a-zA-Z0-9_'\-]*")]
    Id,
    #[regex(r"[0-9]+")]
    Int,
    #[regex(r"(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+\-]?[0-9]+)?")]
    Float,
    /// `PATH_CHAR* ( / PATH_CHAR+ )+ /?`
    #[regex(r"[a-zA-Z0-9._\-+]*(/[a-zA-Z0-9._\-+]+)+/?")]
    Path,
    /// `PATH_CHAR* /` immediately followed by `${`: the start of an interpolated path.
    #[regex(r"[a-zA-Z0-9._\-+]*/\$\{")]
    PathSegInterp,
    #[regex(r"~(/[a-zA-Z0-9._\-+]+)+/?")]
    HPath,
    #[regex(r"~/\$\{")]
    HPathStartInterp,
    #[regex(r"<[a-zA-Z0-9._\-+]+(/[a-zA-Z0-9._\-+]+)*>")]
    SPath,
    #[regex(r"[a-zA-Z][a-zA-Z0-9+\-.]*:[a-zA-Z0-9%/?:@&=+$,\-_.!~*']+")]
    Uri,

    #[token("${")]
    DollarCurly,
    #[token("\"")]
    Quote,
    #[regex(r"''( *\n)?")]
    IndOpen,

    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token(",")]
    Comma,
    #[token("@")]
    At,
    #[token(".")]
    Dot,
    #[token("?")]
    Question,
    #[token("=")]
    Assign,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("!")]
    Bang,
}
