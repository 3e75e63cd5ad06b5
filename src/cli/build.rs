//! `tern build`: realise derivations into tern's store and print their
//! output paths, as `nix-build` does (with Guix's `--list-systems`,
//! `--check`, `-K`).
//!
//! Installables:
//! * a `.drv` store path, optionally with outputs: `/nix/store/…-x.drv`,
//!   `…drv!out,dev` (nix-store) or `…drv^dev` (nix build). A `.drv` that
//!   only CppNix's `/nix/store` has is copied into tern's store first.
//! * an output path that is already valid (printed and linked as is);
//! * a file or `-E` expression (`tern build FILE -A attr`, default
//!   `./default.nix`): evaluated as `tern instantiate` does, and the output
//!   each derivation value stands for is realised.
//!
//! Each output gets a `result` symlink (`result-<output>` for outputs other
//! than `out`, `result-2…` for later installables) pointing at the output's
//! physical location, unless `--no-link`; `-o NAME` renames `result`.
//! Settings also come from `tern.conf` (see `build::config`); the command
//! line wins.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::args::{parse, CommonArgs, Spec};
use super::{report, usage_error};
use crate::build::config::Config;
use crate::build::{self, BuildOptions, BuildRequest, OutputSpec, Platforms, ProgressMode};
use crate::eval::Evaluator;
use crate::store::{resolve_root, Store, StorePath, STORE_DIR};

const SPEC: Spec = Spec {
    flags: &[
        "--no-link",
        "--no-out-link",
        "-K",
        "--keep-failed",
        "-k",
        "--keep-going",
        "--check",
        "--dry-run",
        "-L",
        "--print-build-logs",
        "--list-systems",
        "--list-targets",
        "--no-progress",
    ],
    valued: &[
        "-j",
        "--max-jobs",
        "--cores",
        "-o",
        "--out-link",
        "--extra-platforms",
        "--max-build-log-size",
        "--builders",
    ],
};

/// What one command-line installable asks for.
pub(super) enum Installable {
    /// A derivation to realise.
    Drv(BuildRequest),
    /// A store path that must already be valid.
    Path(StorePath),
}

pub(super) fn print_error(msg: &str) {
    let mut lines = msg.lines();
    if let Some(first) = lines.next() {
        eprintln!("error: {first}");
    }
    for l in lines {
        eprintln!("       {l}");
    }
}

fn number(a: &CommonArgs, names: &[&str]) -> Result<Option<usize>, String> {
    let Some((name, v)) = names.iter().find_map(|n| a.value(n).map(|v| (*n, v))) else { return Ok(None) };
    v.parse::<usize>().map(Some).map_err(|_| format!("option '{name}' needs a number, not '{v}'"))
}

/// Turns an installable that names a store path into a request.
fn parse_store_installable(arg: &str, root: &Path) -> Result<Option<Installable>, String> {
    // A physical path into tern's store names the same object.
    let physical = root.join("store");
    let logical: String = if let Some(rest) = arg.strip_prefix(&format!("{STORE_DIR}/")) {
        format!("{STORE_DIR}/{rest}")
    } else if let Some(rest) = Path::new(arg).strip_prefix(&physical).ok().and_then(|r| r.to_str()) {
        format!("{STORE_DIR}/{rest}")
    } else {
        return Ok(None);
    };
    let (path, outputs) = match logical.split_once(['!', '^']) {
        Some((p, outs)) => {
            let names: BTreeSet<String> = outs.split(',').filter(|s| !s.is_empty()).map(String::from).collect();
            let spec = if names.is_empty() || names.contains("*") { OutputSpec::All } else { OutputSpec::Names(names) };
            (p.to_string(), spec)
        }
        None => (logical, OutputSpec::All),
    };
    let (sp, rest) = crate::store::path::split_store_path(&path).map_err(|e| e.to_string())?;
    if !rest.is_empty() && rest != "/" {
        return Err(format!("'{arg}' is inside a store path; give the store path '{sp}' itself"));
    }
    if sp.is_derivation() {
        Ok(Some(Installable::Drv(BuildRequest { drv_path: sp, outputs })))
    } else if outputs != OutputSpec::All {
        Err(format!("'{arg}': only derivations ('.drv' paths) have outputs to select"))
    } else {
        Ok(Some(Installable::Path(sp)))
    }
}

/// Guix's habit: `tern build hello` builds the package `hello` of `<nixpkgs>`. Arguments
/// that name no file, no store path and no search-path entry, and look like attribute
/// paths, become `-A` paths into `<nixpkgs>` (only when no `-A` is given: with one, the
/// arguments are files as always).
fn with_bare_package_names(a: CommonArgs) -> CommonArgs {
    let is_bare = |f: &String| {
        !f.is_empty()
            && !f.starts_with(['<', '-', '.', '/'])
            && !f.ends_with(".nix")
            && !Path::new(f).exists()
            && f.split('.').all(|part| {
                part.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                    && part.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'\''))
            })
    };
    if a.expr_mode || !a.attr_paths.is_empty() || a.files.is_empty() || !a.files.iter().all(is_bare) {
        return a;
    }
    let names = a.files.clone();
    CommonArgs { attr_paths: names, files: vec!["<nixpkgs>".to_string()], ..a }
}

/// The derivations that file/expression installables denote: evaluated
/// like `tern instantiate` (same search for derivations, `-A` paths and
/// auto-arguments), each standing for the output its value selects
/// (`outputName`), as with `nix-build`. Errors are reported here; the
/// result is the exit code then.
fn requests_from_expressions(a: &CommonArgs, exprs: Vec<String>) -> Result<Vec<BuildRequest>, i32> {
    let mut a = a.clone();
    a.files = exprs;
    let settings = a.settings().map_err(|e| usage_error(&e))?;
    let ev = Evaluator::new(settings);
    let found = super::instantiate::instantiate(&ev, &a).map_err(|e| {
        report(&e, a.show_trace);
        1
    })?;
    found
        .into_iter()
        .map(|d| {
            let drv_path = StorePath::parse(&d.drv_path).map_err(|e| {
                print_error(&e.to_string());
                1
            })?;
            Ok(BuildRequest { drv_path, outputs: OutputSpec::Names([d.output_name].into()) })
        })
        .collect()
}

/// Points `link` at `target`, replacing an existing symlink atomically.
pub(super) fn make_link(link: &Path, target: &Path) -> Result<(), String> {
    if let Ok(meta) = std::fs::symlink_metadata(link) {
        if !meta.file_type().is_symlink() {
            return Err(format!("cannot create symlink '{}': a file of that name exists", link.display()));
        }
    }
    let tmp = link.with_file_name(format!(
        ".{}.tmp-{}",
        link.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp).map_err(|e| format!("cannot create symlink '{}': {e}", link.display()))?;
    std::fs::rename(&tmp, link).map_err(|e| format!("cannot create symlink '{}': {e}", link.display()))
}

/// In CppNix's store, a result link is an indirect GC root, as
/// `nix-build -o` makes it: `var/nix/gcroots/auto/<name>` points at the
/// link, so CppNix's garbage collector keeps what the link points to.
fn add_indirect_root(store: &Store, link: &Path) -> Result<(), String> {
    let Some(dir) = store.layout().auto_gc_roots() else { return Ok(()) };
    let absolute = std::path::absolute(link).map_err(|e| format!("cannot resolve '{}': {e}", link.display()))?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create '{}': {e}", dir.display()))?;
    make_link(&dir.join(crate::store::layout::indirect_root_name(&absolute)), &absolute)
}

pub fn run(argv: &[String]) -> i32 {
    // `-j4` as well as `-j 4`.
    let argv: Vec<String> = argv
        .iter()
        .flat_map(|x| match x.strip_prefix("-j") {
            Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => vec!["-j".to_string(), n.to_string()],
            _ => vec![x.clone()],
        })
        .collect();
    let a = match parse(&argv, &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    let config = Config::load();
    for w in &config.warnings {
        eprintln!("warning: {w}");
    }
    let mut extra_platforms = config.extra_platforms.clone();
    for (k, v) in &a.values {
        if k == "--extra-platforms" {
            extra_platforms.extend(v.split([' ', ',']).filter(|s| !s.is_empty()).map(String::from));
        }
    }
    // Guix's names (`armhf-linux`) enable the Nix system they stand for, as `--system` takes them.
    for system in &mut extra_platforms {
        *system = super::platform_names::nix_system(system).0;
    }

    if a.has_flag("--list-systems") {
        let p = Platforms::detect(&extra_platforms, &config.system_features);
        let current = a.system.clone().unwrap_or_else(|| p.host.clone());
        print!("{}", p.list(&current));
        for w in p.unusable_extras() {
            eprintln!("warning: {w}");
        }
        return 0;
    }

    if a.has_flag("--list-targets") {
        let settings = match a.settings() {
            Ok(s) => s,
            Err(e) => return usage_error(&e),
        };
        return match super::platform_names::list_targets(&Evaluator::new(settings)) {
            Ok(text) => {
                print!("{text}");
                0
            }
            Err(e) => {
                print_error(&e);
                1
            }
        };
    }
    let a = &with_bare_package_names(a);
    // Fetcher and substituter settings (`--option substituters …`) apply to `.drv` arguments too.
    for (k, v) in &a.settings_overrides {
        if let Err(e) = crate::fetch::set_option(k, v) {
            return usage_error(&e);
        }
    }

    let root = match resolve_root(a.store.as_deref().map(Path::new)) {
        Ok(r) => r,
        Err(e) => return usage_error(&e.to_string()),
    };
    let store = match Store::open(&root) {
        Ok(s) => s,
        Err(e) => {
            print_error(&format!("cannot open the store at '{}': {e}", root.display()));
            return 1;
        }
    };

    let mut installables = Vec::new();
    let mut expressions = Vec::new();
    for f in &a.files {
        match if a.expr_mode { Ok(None) } else { parse_store_installable(f, store.root()) } {
            Ok(Some(i)) => installables.push(i),
            Ok(None) => expressions.push(f.clone()),
            Err(e) => return usage_error(&e),
        }
    }
    if a.files.is_empty() || !expressions.is_empty() {
        match requests_from_expressions(a, expressions) {
            Ok(reqs) => installables.extend(reqs.into_iter().map(Installable::Drv)),
            Err(code) => return code,
        }
    }

    let mut opts = BuildOptions::default();
    match (number(a, &["-j", "--max-jobs"]), number(a, &["--cores"])) {
        (Ok(j), Ok(c)) => {
            opts.max_jobs = j.or(config.max_jobs).unwrap_or(opts.max_jobs);
            opts.cores = c.or(config.cores).filter(|c| *c > 0).unwrap_or(opts.cores);
        }
        (Err(e), _) | (_, Err(e)) => return usage_error(&e),
    }
    let builders_spec = a.value("--builders").map(str::to_string).or_else(|| config.builders.clone());
    if let Some(spec) = builders_spec {
        match crate::build::remote::parse_builders(&spec, &crate::build::platform::host_system()) {
            Ok(machines) => opts.builders = machines,
            Err(e) => return usage_error(&e),
        }
    }
    if opts.max_jobs == 0 && opts.builders.is_empty() && crate::store::chosen_daemon(a.store.as_deref()).is_none() {
        print_error(
            "'-j 0' allows no builds here, and no remote builders are configured to send them to \
             (--builders, or builders in tern.conf)",
        );
        return 1;
    }
    opts.keep_failed = a.has_flag("-K") || a.has_flag("--keep-failed") || config.keep_failed == Some(true);
    opts.keep_going = a.has_flag("-k") || a.has_flag("--keep-going");
    opts.check = a.has_flag("--check");
    opts.dry_run = a.has_flag("--dry-run");
    opts.print_build_logs = a.has_flag("-L") || a.has_flag("--print-build-logs");
    opts.progress = if a.has_flag("--no-progress") { ProgressMode::Plain } else { ProgressMode::Auto };
    opts.extra_platforms = extra_platforms;
    opts.system_features = config.system_features.clone();
    opts.sandbox = config.sandbox.unwrap_or(true);
    if let Some(paths) = &config.sandbox_paths {
        opts.sandbox_paths = paths.clone();
    }
    opts.sandbox_paths.extend(config.extra_sandbox_paths.iter().cloned());
    match number(a, &["--max-build-log-size"]) {
        Ok(n) => opts.max_build_log_size = n.map(|n| n as u64).or(config.max_build_log_size).filter(|n| *n > 0),
        Err(e) => return usage_error(&e),
    }

    if let Some(socket) = crate::store::chosen_daemon(a.store.as_deref()) {
        build::signals::install();
        let run = super::daemon::DaemonBuild {
            socket: &socket,
            store: &store,
            opts: &opts,
            link_base: a.value("-o").or(a.value("--out-link")).unwrap_or("result").to_string(),
            no_link: a.has_flag("--no-link") || a.has_flag("--no-out-link"),
        };
        return run.run(&installables);
    }

    // Valid plain paths need no building; derivations go to the builder.
    let mut requests = Vec::new();
    for i in &installables {
        match i {
            Installable::Drv(r) => requests.push(r.clone()),
            Installable::Path(p) => match store.is_valid(p) {
                Ok(true) => {}
                Ok(false) => {
                    print_error(&format!("path '{p}' is not valid, and only derivations ('.drv' paths) can be built"));
                    return 1;
                }
                Err(e) => {
                    print_error(&e.to_string());
                    return 1;
                }
            },
        }
    }

    build::signals::install();
    let built = match build::realise_requests(&store, &requests, &opts) {
        Ok(b) => b,
        Err(e) => {
            match &e {
                build::BuildError::Failed { failures, abandoned } => {
                    for f in failures {
                        print_error(&f.message);
                    }
                    for m in abandoned {
                        print_error(m);
                    }
                }
                other => print_error(&other.to_string()),
            }
            return e.exit_code();
        }
    };
    if opts.dry_run {
        return 0;
    }

    // Print and link, in installable order.
    let link_base = a.value("-o").or(a.value("--out-link")).unwrap_or("result").to_string();
    let no_link = a.has_flag("--no-link") || a.has_flag("--no-out-link");
    let mut built = built.into_iter();
    let mut stdout = String::new();
    for (k, inst) in installables.iter().enumerate() {
        let outputs: Vec<(String, StorePath)> = match inst {
            Installable::Drv(_) => {
                let mut outs: Vec<(String, StorePath)> =
                    built.next().map(|b| b.outputs.into_iter().collect()).unwrap_or_default();
                // `out` first (it gets the plain `result` link), then by name.
                outs.sort_by_key(|(n, _)| (n != "out", n.clone()));
                outs
            }
            Installable::Path(p) => vec![("out".to_string(), p.clone())],
        };
        for (name, path) in outputs {
            stdout.push_str(&format!("{path}\n"));
            if no_link {
                continue;
            }
            let mut link = link_base.clone();
            if k > 0 {
                link.push_str(&format!("-{}", k + 1));
            }
            if name != "out" {
                link.push_str(&format!("-{name}"));
            }
            let link = PathBuf::from(&link);
            if let Err(e) = make_link(&link, &store.real_path(&path)).and_then(|()| add_indirect_root(&store, &link)) {
                print!("{stdout}");
                print_error(&e);
                return 1;
            }
        }
    }
    print!("{stdout}");
    0
}
