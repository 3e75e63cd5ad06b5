//! Source files known to the process and positions within them.
//!
//! Every parsed text (a file, a `-E` expression, a REPL line, a stdlib file embedded in the
//! binary) is registered here once and gets a `FileId`; AST and IR nodes carry `Span`s of
//! byte offsets into it. Line and column are computed only when a message is rendered.

use std::cell::RefCell;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in a registered source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span { file, start: start as u32, end: end as u32 }
    }

    /// The span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// What a source is, which decides how its name is shown.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A file on disk (absolute path).
    File(String),
    /// A `-E` expression or other string: shown as `«string»`.
    String,
    /// Standard input: shown as `«stdin»`.
    Stdin,
    /// A REPL input line.
    Repl,
    /// A stdlib file embedded in the binary, shown by its real path under `stdlib/`.
    Embedded(String),
}

pub struct SourceFile {
    pub origin: Origin,
    pub text: Rc<str>,
    line_starts: Vec<u32>,
}

thread_local! {
    static STDLIB_ROOT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Files under this directory are the extracted stdlib and are shown as `stdlib/…`.
pub fn set_stdlib_root(root: &str) {
    STDLIB_ROOT.with(|r| *r.borrow_mut() = Some(format!("{}/", root.trim_end_matches('/'))));
}

fn display_path(p: &str) -> String {
    STDLIB_ROOT.with(|r| match &*r.borrow() {
        Some(root) if p.starts_with(root.as_str()) => format!("stdlib/{}", &p[root.len()..]),
        _ => p.to_string(),
    })
}

impl SourceFile {
    pub fn name(&self) -> String {
        match &self.origin {
            Origin::File(p) | Origin::Embedded(p) => display_path(p),
            Origin::String => "«string»".into(),
            Origin::Stdin => "«stdin»".into(),
            Origin::Repl => "«repl»".into(),
        }
    }

    /// The name as the language reports it (`__curPos`, `unsafeGetAttrPos`): the real path.
    pub fn real_name(&self) -> String {
        match &self.origin {
            Origin::File(p) | Origin::Embedded(p) => p.clone(),
            _ => self.name(),
        }
    }

    /// 1-based line and column (in bytes, as CppNix counts) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line + 1, (offset - self.line_starts[line]) as usize + 1)
    }

    /// The text of a 1-based line, without its terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1] as usize;
        let end = self.line_starts.get(line).map(|&e| e as usize).unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

thread_local! {
    static SOURCES: RefCell<Vec<Rc<SourceFile>>> = const { RefCell::new(Vec::new()) };
}

/// Registers a source given as bytes. Its text for display keeps byte offsets: an invalid
/// UTF-8 byte (legal inside Nix strings and comments) is shown as `?`.
pub fn add_source_bytes(origin: Origin, bytes: &[u8]) -> FileId {
    let text: Rc<str> = match std::str::from_utf8(bytes) {
        Ok(s) => Rc::from(s),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len());
            let mut rest = bytes;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let good = e.valid_up_to();
                        out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                        let bad = e.error_len().unwrap_or(rest.len() - good);
                        out.extend(std::iter::repeat_n('?', bad));
                        rest = &rest[good + bad..];
                    }
                }
            }
            Rc::from(out)
        }
    };
    add_source(origin, text)
}

pub fn add_source(origin: Origin, text: Rc<str>) -> FileId {
    // Lines end at `\n`, `\r\n` or a lone `\r`, as CppNix counts them for positions.
    let mut line_starts = vec![0u32];
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends_line {
            line_starts.push(i as u32 + 1);
        }
    }
    // The snippet renderer knows only `\n` and `\r\n`: show a lone `\r` as `\n` (one byte for
    // one, so every offset stays valid).
    let text: Rc<str> = if bytes.contains(&b'\r') {
        let mut shown = text.to_string().into_bytes();
        for i in 0..shown.len() {
            if shown[i] == b'\r' && shown.get(i + 1) != Some(&b'\n') {
                shown[i] = b'\n';
            }
        }
        Rc::from(String::from_utf8(shown).expect("replacing an ASCII byte keeps UTF-8 valid"))
    } else {
        text
    };
    SOURCES.with(|s| {
        let mut s = s.borrow_mut();
        s.push(Rc::new(SourceFile { origin, text, line_starts }));
        FileId(s.len() as u32 - 1)
    })
}

pub fn source(id: FileId) -> Rc<SourceFile> {
    try_source(id).expect("spans only name registered sources")
}

/// The source a span points into, if the span is a real one (synthesised calls carry a
/// placeholder file id).
pub fn try_source(id: FileId) -> Option<Rc<SourceFile>> {
    SOURCES.with(|s| s.borrow().get(id.0 as usize).cloned())
}

/// `file:line:col` as used inside messages ("already defined at …").
pub fn describe_position(span: Span) -> String {
    let Some(file) = try_source(span.file) else {
        return "«unknown»".to_string();
    };
    let (line, col) = file.line_col(span.start);
    format!("{}:{line}:{col}", file.name())
}

/// A compact handle for a span, stored in every attribute (4 bytes instead of 12).
/// `Pos::NONE` means "no position".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pos(pub u32);

impl Pos {
    pub const NONE: Pos = Pos(0);

    pub fn span(self) -> Option<Span> {
        if self == Pos::NONE {
            return None;
        }
        POSITIONS.with(|p| p.borrow().get(self.0 as usize).copied())
    }
}

thread_local! {
    static POSITIONS: RefCell<Vec<Span>> = RefCell::new(vec![Span::new(FileId(u32::MAX), 0, 0)]);
}

/// Registers a span and returns its handle (done once per syntax node, at lowering).
pub fn intern_pos(span: Span) -> Pos {
    POSITIONS.with(|p| {
        let mut p = p.borrow_mut();
        p.push(span);
        Pos(p.len() as u32 - 1)
    })
}
