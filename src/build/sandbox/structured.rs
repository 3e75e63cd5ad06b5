//! `.attrs.json` and `.attrs.sh` for derivations with `__structuredAttrs`
//! (store.md §7.2; the `structured-env` row of `build.tsv` is the oracle).
//!
//! `.attrs.json` is the `__json` object with its `outputs` key replaced by
//! an object from output name to output path, printed compactly with keys
//! sorted at every level — what CppNix's nlohmann::json prints. Numbers
//! keep their text (serde_json's `arbitrary_precision`); strings escape
//! `"`, `\`, `\b \f \n \r \t` and other bytes below 0x20 as `\u00xx`.
//!
//! `.attrs.sh` declares one bash variable per top-level key that is a shell
//! identifier, in key order: scalars as `declare k=v` (strings single-quoted,
//! booleans `1`/empty, null `''`, numbers only when integral), arrays of
//! scalars as `declare -a k=(v1 v2 )`, objects of scalars as
//! `declare -A k=(['x']=v )`; anything else is left out. This mirrors
//! CppNix 2.8's `writeStructuredAttrsShell` including its quirks (a number
//! is "integral" when its value as a 32-bit float is, and is then printed
//! as a C `int`).

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The `.attrs.json` object: `attrs` with `outputs` = name → path.
pub(crate) fn with_outputs(mut attrs: Map<String, Value>, outputs: &BTreeMap<String, String>) -> Value {
    let outs: Map<String, Value> = outputs.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    attrs.insert("outputs".into(), Value::Object(outs));
    Value::Object(attrs)
}

/// Compact JSON with sorted keys, as nlohmann::json::dump() prints it.
pub(crate) fn to_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in sorted(m).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

fn sorted(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    v
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `'…'` with every `'` written as `'\''`.
fn shell_escape(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn is_shell_name(k: &str) -> bool {
    let mut b = k.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// A scalar's shell form, or `None` for values `.attrs.sh` leaves out.
fn simple(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(shell_escape(s)),
        Value::Number(n) => {
            let text = n.to_string();
            let f: f64 = text.parse().ok()?;
            let f32v = f as f32;
            if f32v.ceil() != f32v {
                return None;
            }
            // nlohmann's get<int>(): a C cast of the stored integer or double.
            let i: i32 = match text.parse::<i64>() {
                Ok(i) => i as i32,
                Err(_) if f >= i32::MIN as f64 && f <= i32::MAX as f64 => f as i32,
                Err(_) => i32::MIN,
            };
            Some(i.to_string())
        }
        Value::Null => Some("''".into()),
        Value::Bool(b) => Some(if *b { "1" } else { "" }.into()),
        _ => None,
    }
}

/// The `.attrs.sh` text for the `.attrs.json` object.
pub(crate) fn to_shell(v: &Value) -> String {
    let Value::Object(m) = v else { return String::new() };
    let mut out = String::new();
    for (k, value) in sorted(m) {
        if !is_shell_name(k) {
            continue;
        }
        if let Some(s) = simple(value) {
            out.push_str(&format!("declare {k}={s}\n"));
            continue;
        }
        match value {
            Value::Array(items) => {
                let parts: Option<Vec<String>> = items.iter().map(simple).collect();
                if let Some(parts) = parts {
                    let body: String = parts.iter().map(|p| format!("{p} ")).collect();
                    out.push_str(&format!("declare -a {k}=({body})\n"));
                }
            }
            Value::Object(inner) => {
                let parts: Option<Vec<String>> = sorted(inner)
                    .into_iter()
                    .map(|(k2, v2)| Some(format!("[{}]={} ", shell_escape(k2), simple(v2)?)))
                    .collect();
                if let Some(parts) = parts {
                    out.push_str(&format!("declare -A {k}=({})\n", parts.concat()));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_env_vector() {
        let json = r#"{"a":{"x":1},"b":true,"builder":"/bin/bash","l":[1,"a"],"name":"structured-env","outputs":["out","dev"],"s":"str","system":"x86_64-linux"}"#;
        let Value::Object(m) = serde_json::from_str::<Value>(json).unwrap() else { panic!() };
        let outputs = BTreeMap::from([
            ("dev".to_string(), "/nix/store/xxkcmn460zns3n7rciym473y3icbh4sl-structured-env-dev".to_string()),
            ("out".to_string(), "/nix/store/pyan11r07iv5cf567qvhdb23a6gdi5fk-structured-env".to_string()),
        ]);
        let v = with_outputs(m, &outputs);
        assert_eq!(
            to_json(&v),
            r#"{"a":{"x":1},"b":true,"builder":"/bin/bash","l":[1,"a"],"name":"structured-env","outputs":{"dev":"/nix/store/xxkcmn460zns3n7rciym473y3icbh4sl-structured-env-dev","out":"/nix/store/pyan11r07iv5cf567qvhdb23a6gdi5fk-structured-env"},"s":"str","system":"x86_64-linux"}"#
        );
        assert_eq!(
            to_shell(&v),
            "declare -A a=(['x']=1 )\ndeclare b=1\ndeclare builder='/bin/bash'\ndeclare -a l=(1 'a' )\n\
             declare name='structured-env'\ndeclare -A outputs=(['dev']='/nix/store/xxkcmn460zns3n7rciym473y3icbh4sl-structured-env-dev' \
             ['out']='/nix/store/pyan11r07iv5cf567qvhdb23a6gdi5fk-structured-env' )\ndeclare s='str'\ndeclare system='x86_64-linux'\n"
        );
    }

    #[test]
    fn odd_values() {
        let v: Value = serde_json::from_str(
            r#"{"f":1.5,"g":2.0,"n":null,"no":false,"q":"it's","bad-name":1,"nested":[[1]],"big":3000000000,"c":"a\u0001\n\"é"}"#,
        )
        .unwrap();
        assert_eq!(
            to_shell(&v),
            "declare big=-1294967296\ndeclare c='a\u{1}\n\"é'\ndeclare g=2\ndeclare n=''\ndeclare no=\ndeclare q='it'\\''s'\n"
        );
        assert_eq!(
            to_json(&v),
            r#"{"bad-name":1,"big":3000000000,"c":"a\u0001\n\"é","f":1.5,"g":2.0,"n":null,"nested":[[1]],"no":false,"q":"it's"}"#
        );
    }
}
