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
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
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

impl SourceFile {
    pub fn name(&self) -> String {
        match &self.origin {
            Origin::File(p) | Origin::Embedded(p) => p.clone(),
            Origin::String => "«string»".into(),
            Origin::Stdin => "«stdin»".into(),
            Origin::Repl => "«repl»".into(),
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
        let end = self
            .line_starts
            .get(line)
            .map(|&e| e as usize)
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

thread_local! {
    static SOURCES: RefCell<Vec<Rc<SourceFile>>> = const { RefCell::new(Vec::new()) };
}

pub fn add_source(origin: Origin, text: Rc<str>) -> FileId {
    let mut line_starts = vec![0u32];
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            line_starts.push(i as u32 + 1);
        }
    }
    SOURCES.with(|s| {
        let mut s = s.borrow_mut();
        s.push(Rc::new(SourceFile {
            origin,
            text,
            line_starts,
        }));
        FileId(s.len() as u32 - 1)
    })
}

pub fn source(id: FileId) -> Rc<SourceFile> {
    SOURCES.with(|s| s.borrow()[id.0 as usize].clone())
}

/// `file:line:col` as used inside messages ("already defined at …").
pub fn describe_position(span: Span) -> String {
    let file = source(span.file);
    let (line, col) = file.line_col(span.start);
    let name = match &file.origin {
        Origin::String => "(string)".to_string(),
        Origin::Stdin => "(stdin)".to_string(),
        _ => file.name(),
    };
    format!("{name}:{line}:{col}")
}
