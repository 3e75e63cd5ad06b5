//! A derivation's attributes as the builder interprets them, in either
//! form: plain env strings, or (with `__structuredAttrs`) the JSON object
//! in the `__json` env entry.
//!
//! Lists are whitespace-separated words in a plain env value and JSON
//! arrays of strings in structured form; CppNix reads `impureEnvVars`,
//! `requiredSystemFeatures`, `allowedReferences` & co. this way.

use serde_json::Value;

use crate::store::Derivation;

pub(crate) struct DrvAttrs<'a> {
    drv: &'a Derivation,
    /// The parsed `__json` object, when structured.
    pub structured: Option<serde_json::Map<String, Value>>,
}

impl<'a> DrvAttrs<'a> {
    pub(crate) fn new(drv: &'a Derivation) -> Result<DrvAttrs<'a>, String> {
        let structured = match drv.env_get("__json") {
            None => None,
            Some(text) => match serde_json::from_slice::<Value>(text) {
                Ok(Value::Object(m)) => Some(m),
                Ok(_) => return Err("the '__json' attribute of the derivation is not a JSON object".into()),
                Err(e) => return Err(format!("cannot parse the '__json' attribute of the derivation: {e}")),
            },
        };
        Ok(DrvAttrs { drv, structured })
    }

    /// A list-of-strings attribute (`None` when absent).
    pub(crate) fn list(&self, name: &str) -> Option<Vec<String>> {
        match &self.structured {
            Some(m) => match m.get(name)? {
                Value::Array(items) => Some(items.iter().filter_map(|v| v.as_str().map(String::from)).collect()),
                Value::String(s) => Some(s.split_whitespace().map(String::from).collect()),
                _ => None,
            },
            None => self
                .drv
                .env_get(name)
                .map(|v| String::from_utf8_lossy(v).split_whitespace().map(String::from).collect()),
        }
    }
}
