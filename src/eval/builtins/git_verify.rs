//! Verified git fetches (`verifyCommit`, `publicKey`/`keytype`, `publicKeys`), as CppNix 2.34
//! does them: the commit a fetch resolves to must carry an SSH signature by one of the given
//! keys, checked by `git verify-commit` against an allowed-signers file written for the
//! occasion. `verifyCommit` defaults to true when keys are given; a dirty working tree cannot
//! be verified and is refused.
//!
//! git's exit status alone is not trusted (a user's own GnuPG setup can make it succeed): its
//! report must say the signature is good and name the SHA-256 fingerprint of one of the keys.

use std::path::Path;
use std::process::Command;

use base64::Engine;

use super::super::error::{EvalError, EvalResult};
use crate::store::hash::hash_string;
use crate::store::HashAlgo;

/// One key a commit may be signed with: CppNix's key type name and the base64 key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PublicKey {
    pub key_type: String,
    pub key: String,
}

/// The key type when none is given.
pub(crate) const DEFAULT_KEY_TYPE: &str = "ssh-ed25519";

/// CppNix's key type names and OpenSSH's names for them.
const KEY_TYPES: [(&str, &str); 6] = [
    ("ssh-dsa", "ssh-dsa"),
    ("ssh-ecdsa", "ssh-ecdsa"),
    ("ssh-ecdsa-sk", "sk-ecdsa-sha2-nistp256@openssh.com"),
    ("ssh-ed25519", "ssh-ed25519"),
    ("ssh-ed25519-sk", "sk-ssh-ed25519@openssh.com"),
    ("ssh-rsa", "ssh-rsa"),
];

/// What a fetch must check: `None` when no verification is asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Verification {
    pub keys: Vec<PublicKey>,
}

/// Decides from the fetch's attributes: `verifyCommit` if given, else whether keys are.
pub(crate) fn requested(verify_commit: Option<bool>, keys: Vec<PublicKey>) -> Option<Verification> {
    verify_commit.unwrap_or(!keys.is_empty()).then_some(Verification { keys })
}

/// The keys of `publicKeys` as a JSON list (`[{"type": …, "key": …}]`, `type` optional) and
/// of `publicKey`/`keytype`, in CppNix's order.
pub(crate) fn keys_from(
    public_keys_json: Option<&str>,
    public_key: Option<&str>,
    key_type: Option<&str>,
) -> EvalResult<Vec<PublicKey>> {
    let mut keys = Vec::new();
    if let Some(text) = public_keys_json {
        let bad = |why: String| EvalError::msg(format!("invalid 'publicKeys' {text}: {why}"));
        let list: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let items = list.as_array().ok_or_else(|| bad("expected a list".into()))?;
        for item in items {
            let key =
                item.get("key").and_then(|k| k.as_str()).ok_or_else(|| bad("a key has no string 'key'".into()))?;
            let key_type = match item.get("type") {
                None => DEFAULT_KEY_TYPE,
                Some(t) => t.as_str().ok_or_else(|| bad("a key's 'type' is not a string".into()))?,
            };
            keys.push(PublicKey { key_type: key_type.to_string(), key: key.to_string() });
        }
    }
    if let Some(key) = public_key {
        keys.push(PublicKey { key_type: key_type.unwrap_or(DEFAULT_KEY_TYPE).to_string(), key: key.to_string() });
    }
    Ok(keys)
}

/// Refuses a fetch that must be verified but resolved to a dirty working tree.
pub(crate) fn refuse_dirty(what: &str) -> EvalError {
    EvalError::msg(format!("commit verification is required for Git repository '{what}', but it's dirty"))
}

/// Checks that commit `rev` of `repo` is signed by one of `v.keys`.
pub(crate) fn verify_commit(repo: &Path, rev: &str, v: &Verification) -> EvalResult<()> {
    let mut allowed = String::new();
    for k in &v.keys {
        let Some((_, openssh)) = KEY_TYPES.iter().find(|(name, _)| *name == k.key_type) else {
            let supported: String = KEY_TYPES.iter().map(|(name, _)| format!("  {name}\n")).collect();
            return Err(EvalError::msg(format!(
                "Invalid SSH key type '{}' in publicKeys.\nPlease use one of:\n{supported}",
                k.key_type
            )));
        };
        allowed.push_str(&format!("* {openssh} {}\n", k.key));
    }
    let fingerprints = v.keys.iter().map(fingerprint).collect::<EvalResult<Vec<_>>>()?;
    let scratch = crate::fetch::unpack::scratch_dir("git-verify").map_err(EvalError::msg)?;
    let signers = scratch.join("allowed-signers");
    let out = std::fs::write(&signers, allowed)
        .map_err(|e| EvalError::msg(format!("cannot write an allowed-signers file: {e}")))
        .and_then(|()| {
            Command::new("git")
                .arg("-c")
                .arg(format!("gpg.ssh.allowedSignersFile={}", signers.display()))
                .arg("-C")
                .arg(repo)
                .args(["verify-commit", rev])
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .map_err(|e| EvalError::msg(format!("cannot run 'git verify-commit': {e} (install git)")))
        });
    crate::fetch::unpack::remove_scratch(&scratch);
    let out = out?;
    // git reports on standard error; both streams are read, as one.
    let mut report = String::from_utf8_lossy(&out.stdout).into_owned();
    report.push_str(&String::from_utf8_lossy(&out.stderr));
    let good = report.lines().any(|line| {
        line.starts_with("Good \"git\" signature for * with ")
            && fingerprints.iter().any(|fp| line.contains(&format!(" key SHA256:{fp}")))
    });
    if out.status.success() && good {
        Ok(())
    } else {
        Err(EvalError::msg(format!("Commit signature verification on commit {rev} failed: {report}")))
    }
}

/// OpenSSH's SHA-256 fingerprint of a base64 public key: unpadded base64 of its digest.
fn fingerprint(k: &PublicKey) -> EvalResult<String> {
    let blob = base64::engine::general_purpose::STANDARD
        .decode(k.key.trim())
        .map_err(|e| EvalError::msg(format!("invalid public key '{}' for a git signature: {e}", k.key)))?;
    let digest = hash_string(HashAlgo::Sha256, &blob);
    Ok(base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_defaults_to_whether_keys_are_given() {
        let key = PublicKey { key_type: DEFAULT_KEY_TYPE.into(), key: "AAAA".into() };
        assert_eq!(requested(None, vec![]), None);
        assert_eq!(requested(None, vec![key.clone()]), Some(Verification { keys: vec![key.clone()] }));
        assert_eq!(requested(Some(false), vec![key]), None);
        assert_eq!(requested(Some(true), vec![]), Some(Verification { keys: vec![] }));
    }

    #[test]
    fn keys_come_from_both_forms_in_order() {
        let keys = keys_from(Some(r#"[{"key":"A"},{"type":"ssh-rsa","key":"B"}]"#), Some("C"), Some("ssh-ecdsa"))
            .expect("valid");
        let types: Vec<&str> = keys.iter().map(|k| k.key_type.as_str()).collect();
        assert_eq!(types, ["ssh-ed25519", "ssh-rsa", "ssh-ecdsa"]);
        assert!(keys_from(Some(r#"[{"type":"ssh-rsa"}]"#), None, None).is_err());
    }

    #[test]
    fn fingerprints_are_openssh_ones() {
        // `ssh-keygen -lf` of this key prints SHA256:a2ynsRmErupeP9VcT4jXu5Qc+LCVE1n+9VsuJcXkqk0.
        let k = PublicKey {
            key_type: DEFAULT_KEY_TYPE.into(),
            key: "AAAAC3NzaC1lZDI1NTE5AAAAIArPKULJOid8eS6XETwUjO48/HKBWl7FTCK0Z//fplDi".into(),
        };
        assert_eq!(fingerprint(&k).expect("valid"), "a2ynsRmErupeP9VcT4jXu5Qc+LCVE1n+9VsuJcXkqk0");
    }
}
