//! Build steps: generates the parser from `grammar/nix.lalrpop`, and embeds every file
//! under `stdlib/` into the binary (so an installed `tern` needs no source tree).
use std::fmt::Write;
use std::path::Path;

fn collect(dir: &Path, base: &Path, out: &mut Vec<(String, String, bool)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("stdlib/ is readable").flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(&path, base, out);
        } else {
            use std::os::unix::fs::PermissionsExt;
            let exec = entry.metadata().map(|m| m.permissions().mode() & 0o100 != 0).unwrap_or(false);
            let rel = path.strip_prefix(base).expect("under stdlib/").to_string_lossy().into_owned();
            out.push((rel, path.canonicalize().expect("exists").to_string_lossy().into_owned(), exec));
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=grammar/nix.lalrpop");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .set_out_dir(&out_dir)
        .process()
        .expect("the grammar must compile");

    let base = Path::new("stdlib");
    println!("cargo:rerun-if-changed=stdlib");
    let mut files = Vec::new();
    if base.is_dir() {
        collect(base, base, &mut files);
    }
    // A tag of the stdlib's content, so the binary knows its extraction directory without
    // hashing the embedded files at run time (FNV-1a over names, modes and contents).
    let mut tag: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |bytes: &[u8]| {
        for &b in bytes {
            tag ^= u64::from(b);
            tag = tag.wrapping_mul(0x0100_0000_01b3);
        }
    };
    let mut code = String::from("pub static FILES: &[(&str, &[u8], bool)] = &[\n");
    for (rel, abs, exec) in &files {
        let _ = writeln!(code, "    ({rel:?}, include_bytes!({abs:?}), {exec}),");
        mix(rel.as_bytes());
        mix(&[0, u8::from(*exec)]);
        mix(&std::fs::read(abs).expect("readable"));
    }
    code.push_str("];\n");
    let _ = writeln!(code, "pub const TAG: &str = \"{tag:016x}\";");
    std::fs::write(Path::new(&out_dir).join("stdlib_files.rs"), code).expect("OUT_DIR is writable");
}
