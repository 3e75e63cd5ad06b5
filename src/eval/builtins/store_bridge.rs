//! The evaluator's door to the store: copying paths in, writing text files. Until the
//! store layer is wired in, operations that need it report so plainly.

use super::super::error::{ErrorKind, EvalError, EvalResult};
use super::super::string::ContextElem;
use super::super::Evaluator;

pub fn copy_path_to_store(_ev: &Evaluator, path: &str) -> EvalResult<(String, ContextElem)> {
    Err(EvalError::new(
        ErrorKind::Io,
        format!("cannot copy '{path}' to the store: this build of tern has no store yet"),
        None,
    ))
}
