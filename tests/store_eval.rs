//! The evaluator against the store vectors: every case of `tests/vectors/drv.cases` and
//! `eval.cases` (copies of `shared/vectors`, CppNix 2.8 output) is run through the `tern`
//! binary with a temporary `--store`, one test per case:
//!
//! * `drv/N`: `drvPath` and the output paths in declared order must equal `drv.tsv`, the
//!   `.drv` file in the store must equal `drvtext.tsv` byte for byte, and so must every
//!   input derivation it refers to (recursively); `tern show-derivation` of each of them
//!   must agree with the parsed `.drv` (outputs, inputs, platform, builder, args, env);
//! * `eval/N`: the value printed by `tern eval --strict --json` must equal `eval.tsv`, and
//!   so must `builtins.getContext` of it when it is a string.
//!
//! * `nar/N`: importing each fixture of `nar.tsv` gives its `importPath`, and
//!   `tern path-info --json` reports its NAR hash and size;
//!
//! Expressions run with the working directory `tests/vectors` (they use `./fixtures/…`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use libtest_mimic::{Arguments, Failed, Trial};
use tern::store::derivation::Derivation;
use tern::store::path::StorePath;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// Data rows of a vector TSV, header dropped.
fn tsv(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(vectors().join(name)).expect("vector file");
    text.lines().skip(1).filter(|l| !l.is_empty()).map(|l| l.split('\t').map(String::from).collect()).collect()
}

fn cases(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(vectors().join(name)).expect("case file");
    text.lines().filter(|l| !l.trim().is_empty()).map(String::from).collect()
}

/// One store shared by every case, like a CppNix store shared by `gen.sh`; emptied when
/// the run starts (and left behind for inspection).
fn store_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("store_eval-store");
        let _ = std::fs::remove_dir_all(&dir);
        dir
    })
}

fn tern(args: &[&str]) -> Result<String, Failed> {
    let out = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .arg("--store")
        .arg(store_dir())
        .current_dir(vectors())
        .env("NIX_PATH", "")
        .output()
        .map_err(|e| format!("cannot run tern: {e}"))?;
    if !out.status.success() {
        return Err(format!("tern {args:?} failed\n{}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

fn tern_eval_json(expr: &str) -> Result<String, Failed> {
    // Like gen.sh (`nix-instantiate --read-write-mode`): the .drv files must be written.
    tern(&["eval", "--read-write-mode", "--strict", "--json", "-E", expr])
}

fn check_nar_row(fixture: &str, nix32: &str, size: &str, import_path: &str) -> Result<(), Failed> {
    let got = tern_eval_json(&format!("builtins.path {{ path = ./{fixture}; }}"))?;
    if got != format!("\"{import_path}\"") {
        return Err(format!("import: expected {import_path}, got {got}").into());
    }
    let info = tern(&["path-info", "--json", import_path])?;
    let v: serde_json::Value = serde_json::from_str(&info).map_err(|e| format!("bad JSON {info}: {e}"))?;
    let o = &v[0];
    let expected_hash = format!("sha256:{nix32}");
    if o["path"] != import_path
        || o["narHash"] != expected_hash.as_str()
        || o["narSize"].as_u64().map(|n| n.to_string()).as_deref() != Some(size)
    {
        return Err(format!("path-info: expected {import_path} {expected_hash} {size}, got {info}").into());
    }
    if o["references"] != serde_json::json!([]) {
        return Err(format!("path-info: a source has no references, got {info}").into());
    }
    Ok(())
}

fn check_show_derivation(drv_path: &str, text: &[u8]) -> Result<(), Failed> {
    let drv = Derivation::parse_at(text, &StorePath::parse(drv_path).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let out = tern(&["show-derivation", drv_path])?;
    let v: serde_json::Value = serde_json::from_str(&out).map_err(|e| format!("bad JSON: {e}\n{out}"))?;
    let d = &v[drv_path];
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut problems = Vec::new();
    for (name, o) in &drv.outputs {
        if d["outputs"][name]["path"] != o.path.as_str() {
            problems.push(format!("output {name}"));
        }
        if let Some(h) = &o.hash {
            if d["outputs"][name]["hash"] != h.hash.to_base16().as_str()
                || d["outputs"][name]["hashAlgo"] != h.method_algo().as_str()
            {
                problems.push(format!("hash of {name}"));
            }
        }
    }
    let srcs: Vec<&str> = drv.input_srcs.iter().map(String::as_str).collect();
    if d["inputSrcs"] != serde_json::json!(srcs) {
        problems.push("inputSrcs".into());
    }
    for (p, outs) in &drv.input_drvs {
        let outs: Vec<&str> = outs.iter().map(String::as_str).collect();
        if d["inputDrvs"][p] != serde_json::json!(outs) {
            problems.push(format!("inputDrvs {p}"));
        }
    }
    if d["system"] != s(&drv.platform).as_str() || d["builder"] != s(&drv.builder).as_str() {
        problems.push("system/builder".into());
    }
    let args: Vec<String> = drv.args.iter().map(|a| s(a)).collect();
    if d["args"] != serde_json::json!(args) {
        problems.push("args".into());
    }
    for (k, val) in &drv.env {
        if d["env"][s(k)] != s(val).as_str() {
            problems.push(format!("env {}", s(k)));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{drv_path}: {} differ\n{out}", problems.join(", ")).into())
    }
}

fn check_drv_text(path: &str, texts: &BTreeMap<String, Vec<u8>>) -> Result<(), Failed> {
    let sp = StorePath::parse(path).map_err(|e| e.to_string())?;
    let real = store_dir().join("store").join(sp.base_name());
    let got = std::fs::read(&real).map_err(|e| format!("{path} is not in the store: {e}"))?;
    let expected = texts.get(path).ok_or_else(|| format!("{path} is not in drvtext.tsv"))?;
    if &got != expected {
        return Err(format!(
            "{path} differs\nexpected: {}\n     got: {}",
            String::from_utf8_lossy(expected),
            String::from_utf8_lossy(&got)
        )
        .into());
    }
    check_show_derivation(path, &got)?;
    let drv = Derivation::parse_at(&got, &sp).map_err(|e| e.to_string())?;
    for input in drv.input_drvs.keys() {
        check_drv_text(input, texts)?;
    }
    Ok(())
}

fn check_drv_case(expr: &str, drv_path: &str, outs: &str, texts: &BTreeMap<String, Vec<u8>>) -> Result<(), Failed> {
    let probe = format!(
        "let d = {expr}; in {{ drvPath = d.drvPath; outs = map (o: o.outputName + \"=\" + o.outPath) d.all; }}"
    );
    let got = tern_eval_json(&probe)?;
    let v: serde_json::Value = serde_json::from_str(&got).map_err(|e| format!("bad JSON {got}: {e}"))?;
    let got_drv = v["drvPath"].as_str().unwrap_or_default();
    if got_drv != drv_path {
        return Err(format!("drvPath: expected {drv_path}, got {got_drv}").into());
    }
    let got_outs: Vec<&str> = v["outs"].as_array().into_iter().flatten().filter_map(|o| o.as_str()).collect();
    if got_outs.join(";") != outs {
        return Err(format!("outputs: expected {outs}, got {}", got_outs.join(";")).into());
    }
    check_drv_text(drv_path, texts)
}

fn check_eval_case(expr: &str, json: &str, context: &str) -> Result<(), Failed> {
    let got = tern_eval_json(expr)?;
    if got != json {
        return Err(format!("value: expected {json}\n          got {got}").into());
    }
    let probe = format!("let v = {expr}; in if builtins.isString v then builtins.getContext v else null");
    let got = tern_eval_json(&probe)?;
    if got != context {
        return Err(format!("context: expected {context}\n            got {got}").into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    store_dir();
    let texts: Arc<BTreeMap<String, Vec<u8>>> = Arc::new(
        tsv("drvtext.tsv")
            .into_iter()
            .map(|r| (r[0].clone(), STANDARD.decode(&r[1]).expect("base64 in drvtext.tsv")))
            .collect(),
    );
    let mut trials = Vec::new();

    let drv_rows = tsv("drv.tsv");
    let drv_cases = cases("drv.cases");
    assert_eq!(drv_rows.len(), drv_cases.len(), "drv.tsv and drv.cases disagree");
    for (i, (case, row)) in drv_cases.into_iter().zip(drv_rows).enumerate() {
        assert_eq!(case, row[0], "drv.cases line {} is not drv.tsv row {}", i + 1, i + 1);
        let texts = texts.clone();
        trials
            .push(Trial::test(format!("drv/{:02}", i + 1), move || check_drv_case(&row[0], &row[1], &row[2], &texts)));
    }

    let eval_rows = tsv("eval.tsv");
    let eval_cases = cases("eval.cases");
    assert_eq!(eval_rows.len(), eval_cases.len(), "eval.tsv and eval.cases disagree");
    for (i, (case, row)) in eval_cases.into_iter().zip(eval_rows).enumerate() {
        assert_eq!(case, row[0], "eval.cases line {} is not eval.tsv row {}", i + 1, i + 1);
        trials.push(Trial::test(format!("eval/{:02}", i + 1), move || check_eval_case(&row[0], &row[1], &row[2])));
    }
    for (i, row) in tsv("nar.tsv").into_iter().enumerate() {
        trials
            .push(Trial::test(format!("nar/{:02}", i + 1), move || check_nar_row(&row[0], &row[2], &row[4], &row[6])));
    }
    trials.push(Trial::test("pure/storePath", || {
        // `storePath` is refused in pure mode (a file cannot show this: CppNix refuses to
        // read the file itself in pure mode).
        match tern(&["eval", "--option", "pure-eval", "true", "-E", "builtins.storePath \"/nix/store/x\""]) {
            Ok(out) => Err(format!("expected an error, got {out}").into()),
            Err(e) if e.message().is_some_and(|m| m.contains("is not allowed in pure evaluation mode")) => Ok(()),
            Err(e) => Err(e),
        }
    }));
    libtest_mimic::run(&args, trials).exit();
}
