//! Guix's names for systems and targets, as users type them (`--system=armhf-linux`,
//! `--target=aarch64-linux-gnu`), turned into what Nix code expects; and the text of
//! `--list-targets`.

use crate::eval::value::Value;
use crate::eval::Evaluator;

/// The Nix system name for a `--system` value, and a note when it was a Guix name.
pub fn nix_system(name: &str) -> (String, Option<String>) {
    let nix = match name {
        "armhf-linux" => "armv7l-linux",
        "i586-gnu" => "i686-gnu",
        _ => return (name.to_string(), None),
    };
    (nix.to_string(), Some(format!("note: Guix's system '{name}' is '{nix}' in Nix; using '{nix}'")))
}

/// The `config` a `--target` triplet stands for: GNU's short `CPU-linux-ABI` form gets the
/// `unknown` vendor that `config.sub` (and nixpkgs' platform examples) spell out, so
/// `--target=aarch64-linux-gnu` means the same platform as `pkgsCross.aarch64-multiplatform`.
pub fn target_config(triplet: &str) -> String {
    let parts: Vec<&str> = triplet.split('-').collect();
    match parts.as_slice() {
        [cpu, "linux", abi] => format!("{cpu}-unknown-linux-{abi}"),
        [cpu, "linux"] => format!("{cpu}-unknown-linux-gnu"),
        _ => triplet.to_string(),
    }
}

/// The `--arg crossSystem` expression for a `--target` triplet.
pub fn cross_system_expr(triplet: &str) -> String {
    let mut quoted = String::new();
    crate::syntax::show::quote_string(&mut quoted, target_config(triplet).as_bytes());
    format!("{{ config = {quoted}; }}")
}

/// `--list-targets`: every platform `config` of the stdlib's `lib.systems.examples`, with
/// the `pkgsCross` names that build for it.
pub fn list_targets(ev: &Evaluator) -> Result<String, String> {
    let expr = r#"
      let
        examples = (import <tern/lib>).systems.examples;
        names = builtins.attrNames examples;
        configs = builtins.attrNames (builtins.listToAttrs (map (n: { name = examples.${n}.config; value = null; }) names));
        users = c: builtins.filter (n: examples.${n}.config == c) names;
      in map (c: "${c}\t${builtins.concatStringsSep ", " (map (n: "pkgsCross.${n}") (users c))}") configs
    "#;
    let render = || -> crate::eval::error::EvalResult<String> {
        let mut out = String::from("The available targets are:\n\n");
        if let Value::List(items) = ev.force(&ev.eval_string(expr, "/")?)? {
            for item in items.iter() {
                let line = ev.expect_string(item, "")?;
                let line = line.to_str_lossy();
                let (config, users) = line.split_once('\t').unwrap_or((&line, ""));
                out.push_str(&format!("   - {config:<38} {users}\n"));
            }
        }
        Ok(out)
    };
    render().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guix_names() {
        assert_eq!(nix_system("armhf-linux").0, "armv7l-linux");
        assert_eq!(nix_system("aarch64-linux"), ("aarch64-linux".to_string(), None));
        assert_eq!(target_config("aarch64-linux-gnu"), "aarch64-unknown-linux-gnu");
        assert_eq!(target_config("arm-linux-gnueabihf"), "arm-unknown-linux-gnueabihf");
        assert_eq!(target_config("x86_64-w64-mingw32"), "x86_64-w64-mingw32");
        assert_eq!(target_config("riscv64-unknown-linux-gnu"), "riscv64-unknown-linux-gnu");
        assert_eq!(cross_system_expr("aarch64-linux-gnu"), "{ config = \"aarch64-unknown-linux-gnu\"; }");
    }
}
