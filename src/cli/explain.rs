//! `tern explain-deps INSTALLABLE`: for each of a package's dependency lists, every
//! dependency with the package set it came from and its (build, host, target) platforms,
//! and a warning where a dependency breaks the cross-compilation table — the classic being
//! a package for the host platform in `nativeBuildInputs` (an unspliced dependency).
//!
//! The table (offsets relative to the package's own build, host and target platforms):
//!
//! | list                | dependency runs on | and targets | package set       |
//! |---------------------|--------------------|-------------|-------------------|
//! | `depsBuildBuild`    | build              | build       | `pkgsBuildBuild`  |
//! | `nativeBuildInputs` | build              | host        | `pkgsBuildHost`   |
//! | `depsBuildTarget`   | build              | target      | `pkgsBuildTarget` |
//! | `depsHostHost`      | host               | host        | `pkgsHostHost`    |
//! | `buildInputs`       | host               | target      | `pkgsHostTarget`  |
//! | `depsTargetTarget`  | target             | target      | `pkgsTargetTarget`|
//!
//! and each list's propagated twin the same, plus what the stdenv brings to every build:
//! its compiler and binutils (as `nativeBuildInputs`) and its tools on `PATH` (as
//! `depsBuildBuild`). Platforms are compared by their `config`.

use std::fmt::Write;

use super::args::{parse, Spec};
use super::{auto_args, load_roots, report, select_attr_path, usage_error};
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::symbol::Symbol;

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Build,
    Host,
    Target,
}

impl Role {
    fn word(self) -> &'static str {
        match self {
            Role::Build => "build",
            Role::Host => "host",
            Role::Target => "target",
        }
    }
}

/// (list, its propagated twin, runs on, targets, package set)
const LISTS: [(&str, &str, Role, Role, &str); 6] = [
    ("depsBuildBuild", "depsBuildBuildPropagated", Role::Build, Role::Build, "pkgsBuildBuild"),
    ("nativeBuildInputs", "propagatedNativeBuildInputs", Role::Build, Role::Host, "pkgsBuildHost"),
    ("depsBuildTarget", "depsBuildTargetPropagated", Role::Build, Role::Target, "pkgsBuildTarget"),
    ("depsHostHost", "depsHostHostPropagated", Role::Host, Role::Host, "pkgsHostHost"),
    ("buildInputs", "propagatedBuildInputs", Role::Host, Role::Target, "pkgsHostTarget"),
    ("depsTargetTarget", "depsTargetTargetPropagated", Role::Target, Role::Target, "pkgsTargetTarget"),
];

const SPEC: Spec = Spec { flags: &[], valued: &[] };

pub fn run(argv: &[String]) -> i32 {
    let a = match parse(argv, &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    let mut settings = match a.settings() {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    // Explaining needs the dependencies' names and platforms, never their files.
    settings.read_only_store = true;
    let ev = Evaluator::new(settings);
    let result = (|| {
        let roots = load_roots(&ev, &a)?;
        let auto = auto_args(&ev, &a)?;
        let paths: Vec<String> = if a.attr_paths.is_empty() { vec![String::new()] } else { a.attr_paths.clone() };
        let mut out = String::new();
        for root in &roots {
            for path in &paths {
                let pkg = select_attr_path(&ev, root.clone(), path, &auto)?;
                explain(&ev, &pkg, &mut out)?;
            }
        }
        Ok::<_, EvalError>(out)
    })();
    match result {
        Ok(text) => {
            print!("{text}");
            0
        }
        Err(e) => {
            report(&e, a.show_trace);
            1
        }
    }
}

fn attr(ev: &Evaluator, v: &Value, name: &str) -> EvalResult<Option<Value>> {
    match ev.force(v)? {
        Value::Attrs(a) => match a.get(Symbol::intern(name)) {
            Some(x) => Ok(Some(ev.force(x)?)),
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

fn string(ev: &Evaluator, v: Option<Value>) -> EvalResult<Option<String>> {
    match v {
        Some(Value::String(s)) => Ok(Some(s.to_str_lossy().into_owned())),
        Some(other) if matches!(ev.force(&other)?, Value::String(_)) => string(ev, Some(ev.force(&other)?)),
        _ => Ok(None),
    }
}

/// The `config` of `v.stdenv.<which>Platform`, if `v` has a stdenv.
fn platform(ev: &Evaluator, v: &Value, which: &str) -> EvalResult<Option<String>> {
    let Some(stdenv) = attr(ev, v, "stdenv")? else { return Ok(None) };
    let Some(p) = attr(ev, &stdenv, &format!("{which}Platform"))? else { return Ok(None) };
    string(ev, attr(ev, &p, "config")?)
}

struct Platforms {
    build: String,
    host: String,
    target: String,
}

impl Platforms {
    fn of(ev: &Evaluator, v: &Value) -> EvalResult<Option<Platforms>> {
        let (Some(build), Some(host), Some(target)) =
            (platform(ev, v, "build")?, platform(ev, v, "host")?, platform(ev, v, "target")?)
        else {
            return Ok(None);
        };
        Ok(Some(Platforms { build, host, target }))
    }

    fn get(&self, r: Role) -> &str {
        match r {
            Role::Build => &self.build,
            Role::Host => &self.host,
            Role::Target => &self.target,
        }
    }
}

fn explain(ev: &Evaluator, pkg: &Value, out: &mut String) -> EvalResult<()> {
    let name = string(ev, attr(ev, pkg, "name")?)?.unwrap_or_else(|| "«unnamed»".into());
    let Some(me) = Platforms::of(ev, pkg)? else {
        return Err(EvalError::msg(format!(
            "'{name}' has no stdenv with build, host and target platforms: explain-deps needs a package made with mkDerivation"
        )));
    };
    let _ = writeln!(out, "{name}");
    let _ = writeln!(out, "  built on {}, runs on {}, targets {}", me.build, me.host, me.target);
    let mut warnings = 0;
    for (list, twin, runs_on, targets, set) in LISTS {
        for (list_name, propagated) in [(list, false), (twin, true)] {
            let deps = match attr(ev, pkg, list_name)? {
                Some(Value::List(items)) => items,
                _ => continue,
            };
            if deps.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n{list_name}{}: runs on the {} platform, targets the {} platform ({set})",
                if propagated { " (propagated)" } else { "" },
                runs_on.word(),
                targets.word()
            );
            for dep in deps.iter() {
                let dep = ev.force(dep)?;
                warnings += explain_dep(ev, &dep, &me, runs_on, targets, set, list_name, out)?;
            }
        }
    }
    warnings += explain_implicit(ev, pkg, &me, out)?;
    if warnings > 0 {
        let _ = writeln!(out, "\n{warnings} warning{} (see above)", if warnings == 1 { "" } else { "s" });
    }
    let _ = writeln!(out);
    Ok(())
}

/// What every build gets from its stdenv without naming it: the C compiler and its
/// binutils (build → host, as if in `nativeBuildInputs`) and the tools on `PATH`
/// (`initialPath`: build → build).
fn explain_implicit(ev: &Evaluator, pkg: &Value, me: &Platforms, out: &mut String) -> EvalResult<usize> {
    let Some(stdenv) = attr(ev, pkg, "stdenv")? else { return Ok(0) };
    let mut warnings = 0;
    let cc = match attr(ev, &stdenv, "cc")? {
        Some(cc @ Value::Attrs(_)) => Some(cc),
        _ => None,
    };
    if let Some(cc) = cc {
        let _ = writeln!(
            out,
            "\nimplicit (the stdenv's compiler): runs on the build platform, targets the host platform (pkgsBuildHost)"
        );
        warnings += explain_dep(ev, &cc, me, Role::Build, Role::Host, "pkgsBuildHost", "stdenv.cc", out)?;
        if let Some(bintools) = attr(ev, &cc, "bintools")? {
            warnings +=
                explain_dep(ev, &bintools, me, Role::Build, Role::Host, "pkgsBuildHost", "stdenv.cc.bintools", out)?;
        }
    }
    if let Some(Value::List(tools)) = attr(ev, &stdenv, "initialPath")? {
        if !tools.is_empty() {
            let _ = writeln!(
                out,
                "\nimplicit (the stdenv's tools on PATH): runs on the build platform, targets the build platform \
                 (pkgsBuildBuild)"
            );
            for tool in tools.iter() {
                let tool = ev.force(tool)?;
                warnings +=
                    explain_dep(ev, &tool, me, Role::Build, Role::Build, "pkgsBuildBuild", "stdenv.initialPath", out)?;
            }
        }
    }
    Ok(warnings)
}

/// The package set whose (host, target) the dependency has, relative to `me`. Where
/// platforms coincide several fit; the most commonly used one is named.
fn source_set(me: &Platforms, dep: &Platforms) -> Option<&'static str> {
    const PREFERENCE: [usize; 6] = [4, 1, 0, 2, 3, 5];
    PREFERENCE
        .iter()
        .map(|&i| LISTS[i])
        .find(|(_, _, runs_on, targets, _)| me.get(*runs_on) == dep.host && me.get(*targets) == dep.target)
        .map(|(_, _, _, _, set)| set)
}

#[allow(clippy::too_many_arguments)]
fn explain_dep(
    ev: &Evaluator,
    dep: &Value,
    me: &Platforms,
    runs_on: Role,
    targets: Role,
    expected_set: &str,
    list: &str,
    out: &mut String,
) -> EvalResult<usize> {
    let name = match dep {
        Value::Attrs(_) => string(ev, attr(ev, dep, "name")?)?.unwrap_or_else(|| "«set»".into()),
        Value::String(s) => format!("\"{}\"", s.to_str_lossy()),
        Value::Path(p) => p.to_string(),
        other => format!("«{}»", other.type_of()),
    };
    let Some(p) = (if matches!(dep, Value::Attrs(_)) { Platforms::of(ev, dep)? } else { None }) else {
        let _ = writeln!(out, "  {name}  (no platforms: not made with mkDerivation)");
        return Ok(0);
    };
    let want_host = me.get(runs_on);
    let want_target = me.get(targets);
    let matches = p.host == want_host && p.target == want_target;
    let from = if matches { Some(expected_set) } else { source_set(me, &p) };
    let _ = writeln!(
        out,
        "  {name}  from {}  (built on {}, runs on {}, targets {})",
        from.unwrap_or("an unrelated package set"),
        p.build,
        p.host,
        p.target
    );
    if matches {
        return Ok(0);
    }
    if p.host != want_host {
        let _ = writeln!(
            out,
            "    warning: {list} needs something that runs on the {} platform ({want_host}), but this runs on {}; \
             it was probably passed without splicing (e.g. `pkgs.x` instead of the `x` argument of callPackage) — \
             take it from {expected_set}{}",
            runs_on.word(),
            p.host,
            if runs_on == Role::Build { " (buildPackages)" } else { "" }
        );
    } else {
        let _ = writeln!(
            out,
            "    warning: {list} expects a dependency targeting the {} platform ({want_target}), but this targets {} — take it from {expected_set}",
            targets.word(),
            p.target
        );
    }
    Ok(1)
}
