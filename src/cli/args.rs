//! Options shared by the evaluating commands, parsed the way `nix-instantiate` users type
//! them: `-A attr`, `--arg name expr`, `--argstr name string`, `-I [name=]path`, `-E expr`,
//! a file argument (default `./default.nix`, `-` for standard input), `--show-trace`, and
//! the settings flags CppNix accepts.

use std::path::Path;

use super::platform_names::cross_system_expr;
use crate::eval::{Lint, SearchPathEntry, Settings};

#[derive(Clone, Debug)]
pub enum AutoArg {
    /// `--arg name expr`: a Nix expression.
    Expr(String),
    /// `--argstr name string`: a string.
    Str(String),
}

#[derive(Clone, Debug, Default)]
pub struct CommonArgs {
    pub files: Vec<String>,
    /// `-E`: the file arguments are expressions.
    pub expr_mode: bool,
    pub attr_paths: Vec<String>,
    pub auto_args: Vec<(String, AutoArg)>,
    pub include: Vec<String>,
    pub show_trace: bool,
    pub settings_overrides: Vec<(String, String)>,
    pub system: Option<String>,
    pub store: Option<String>,
    /// Flags the command itself interprets (`--strict`, `--json`, …), in order.
    pub flags: Vec<String>,
    /// Option values the command interprets (`-o NAME`, `-j N`, `--target T`).
    pub values: Vec<(String, String)>,
    /// `--override-input INPUT REF`: flake inputs replaced for this command.
    pub override_inputs: Vec<(String, String)>,
}

impl CommonArgs {
    pub fn has_flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Command-specific options: flags without a value and options taking one.
pub struct Spec {
    pub flags: &'static [&'static str],
    pub valued: &'static [&'static str],
}

pub fn parse(args: &[String], spec: &Spec) -> Result<CommonArgs, String> {
    let mut out = CommonArgs::default();
    let mut i = 0;
    let need = |i: usize, n: usize, flag: &str| -> Result<(), String> {
        if i + n < args.len() {
            Ok(())
        } else {
            Err(format!("flag '{flag}' requires {n} argument{}", if n == 1 { "" } else { "s" }))
        }
    };
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-E" | "--expr" => out.expr_mode = true,
            "-A" | "--attr" => {
                need(i, 1, a)?;
                out.attr_paths.push(args[i + 1].clone());
                i += 1;
            }
            "--arg" => {
                need(i, 2, a)?;
                out.auto_args.push((args[i + 1].clone(), AutoArg::Expr(args[i + 2].clone())));
                i += 2;
            }
            "--override-input" => {
                need(i, 2, a)?;
                out.override_inputs.push((args[i + 1].clone(), args[i + 2].clone()));
                i += 2;
            }
            "--argstr" => {
                need(i, 2, a)?;
                out.auto_args.push((args[i + 1].clone(), AutoArg::Str(args[i + 2].clone())));
                i += 2;
            }
            "-I" | "--include" => {
                need(i, 1, a)?;
                out.include.push(args[i + 1].clone());
                i += 1;
            }
            "--show-trace" => out.show_trace = true,
            "--no-show-trace" => out.show_trace = false,
            "--max-call-depth" => {
                need(i, 1, a)?;
                out.settings_overrides.push(("max-call-depth".into(), args[i + 1].clone()));
                i += 1;
            }
            "--option" => {
                need(i, 2, a)?;
                out.settings_overrides.push((args[i + 1].clone(), args[i + 2].clone()));
                i += 2;
            }
            "--extra-experimental-features" | "--experimental-features" => {
                need(i, 1, a)?;
                out.settings_overrides.push(("experimental-features".into(), args[i + 1].clone()));
                i += 1;
            }
            "--lint-url-literals" | "--lint-absolute-path-literals" | "--lint-short-path-literals" => {
                need(i, 1, a)?;
                out.settings_overrides.push((a.trim_start_matches("--").to_string(), args[i + 1].clone()));
                i += 1;
            }
            "--system" | "-s" => {
                need(i, 1, a)?;
                out.system = Some(system_name(&args[i + 1]));
                i += 1;
            }
            // Guix's cross-compilation flag: the package set's `crossSystem`.
            "--target" => {
                need(i, 1, a)?;
                out.auto_args.push(("crossSystem".into(), AutoArg::Expr(cross_system_expr(&args[i + 1]))));
                i += 1;
            }
            _ if a.starts_with("--target=") => {
                out.auto_args.push(("crossSystem".into(), AutoArg::Expr(cross_system_expr(&a["--target=".len()..]))))
            }
            "--store" => {
                need(i, 1, a)?;
                out.store = Some(args[i + 1].clone());
                i += 1;
            }
            "--offline" => out.settings_overrides.push(("offline".into(), "true".into())),
            "--tarball-ttl" => {
                need(i, 1, a)?;
                out.settings_overrides.push(("tarball-ttl".into(), args[i + 1].clone()));
                i += 1;
            }
            "--trace-verbose" | "--abort-on-warn" | "--pure-eval" | "--impure" => {
                out.settings_overrides.push((a.trim_start_matches("--").to_string(), "true".into()))
            }
            // Accepted for compatibility with nix-instantiate; they change nothing here.
            // Only `--xml` output shows locations; commands without it ignore the flag.
            "--no-location" => out.flags.push(a.to_string()),
            "--timeout" | "--cores" => {
                need(i, 1, a)?;
                i += 1;
            }
            "--read-write-mode" => out.flags.push(a.to_string()),
            "--eval" | "--eval-only" | "--readonly-mode" | "--quiet" | "-v" | "--verbose" | "--no-build-output"
            | "-Q" | "--no-substitutes" => {}
            _ if a.starts_with("--system=") => out.system = Some(system_name(&a["--system=".len()..])),
            _ if spec.flags.contains(&a) => out.flags.push(a.to_string()),
            _ if spec.valued.contains(&a) => {
                need(i, 1, a)?;
                out.values.push((a.to_string(), args[i + 1].clone()));
                i += 1;
            }
            _ if a.starts_with("--")
                && a.contains('=')
                && spec.valued.contains(&a.split_once('=').map(|x| x.0).unwrap_or("")) =>
            {
                let (k, v) = a.split_once('=').expect("checked");
                out.values.push((k.to_string(), v.to_string()));
            }
            "-" => out.files.push("-".into()),
            _ if a.starts_with('-') && a.len() > 1 => return Err(format!("unrecognised flag '{a}'")),
            _ => out.files.push(a.to_string()),
        }
        i += 1;
    }
    Ok(out)
}

/// A `--system` value in Nix's spelling (Guix names are translated, with a note).
fn system_name(name: &str) -> String {
    let (nix, note) = super::platform_names::nix_system(name);
    if let Some(note) = note {
        eprintln!("{note}");
    }
    nix
}

fn absolute(path: &str) -> String {
    if Path::new(path).is_absolute() || path.contains("://") {
        path.to_string()
    } else {
        let cwd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into());
        crate::eval::lower::canonicalize(&format!("{cwd}/{path}"))
    }
}

/// One `-I`/`NIX_PATH` entry: `name=path` or a plain directory.
pub fn parse_search_entry(s: &str) -> SearchPathEntry {
    match s.split_once('=') {
        Some((prefix, path)) if !prefix.contains('/') => {
            SearchPathEntry { prefix: prefix.to_string(), path: absolute(path) }
        }
        _ => SearchPathEntry { prefix: String::new(), path: absolute(s) },
    }
}

/// Splits `NIX_PATH` on colons, keeping `scheme://` URLs whole.
pub fn split_nix_path(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split(':') {
        if part.starts_with("//") {
            if let Some(last) = out.last_mut() {
                last.push(':');
                last.push_str(part);
                continue;
            }
        }
        if !part.is_empty() {
            out.push(part.to_string());
        }
    }
    out
}

fn lint(value: &str) -> Result<Lint, String> {
    match value {
        "warn" => Ok(Lint::Warn),
        "fatal" => Ok(Lint::Fatal),
        "ignore" | "off" | "none" => Ok(Lint::Off),
        other => Err(format!("invalid lint level '{other}' (expected 'warn' or 'fatal')")),
    }
}

impl CommonArgs {
    /// Builds evaluator settings: `-I` entries, then `NIX_PATH`, then the stdlib.
    pub fn settings(&self) -> Result<Settings, String> {
        let mut s = Settings::default();
        for inc in &self.include {
            s.search_path.push(parse_search_entry(inc));
        }
        if let Ok(nix_path) = std::env::var("NIX_PATH") {
            for part in split_nix_path(&nix_path) {
                s.search_path.push(parse_search_entry(&part));
            }
        }
        s.show_trace = self.show_trace;
        // A daemon's store is reached through the staging root (`resolve_root`).
        s.store_root = self
            .store
            .as_ref()
            .filter(|d| crate::store::daemon_socket(d).is_none())
            .map(|d| std::path::PathBuf::from(absolute(d)));
        if let Some(sys) = &self.system {
            s.current_system = sys.clone();
        }
        for (k, v) in &self.settings_overrides {
            match k.as_str() {
                "max-call-depth" => {
                    s.max_call_depth = v.parse().map_err(|_| format!("invalid value '{v}' for max-call-depth"))?
                }
                "experimental-features" => s.experimental_features.extend(v.split_whitespace().map(String::from)),
                "lint-url-literals" => s.lint_url_literals = lint(v)?,
                "lint-absolute-path-literals" => s.lint_absolute_path_literals = lint(v)?,
                "lint-short-path-literals" => s.lint_short_path_literals = lint(v)?,
                "trace-verbose" => s.trace_verbose = true,
                "abort-on-warn" => s.abort_on_warn = true,
                "pure-eval" => s.pure = v == "true",
                "impure" => s.pure = false,
                "system" => s.current_system = v.clone(),
                // Unknown settings are accepted, as `nix --option` does with a warning.
                other => {
                    if !crate::fetch::set_option(other, v)? {
                        eprintln!("warning: unknown setting '{other}'")
                    }
                }
            }
        }
        Ok(s)
    }
}
