//! Generates the parser from `grammar/nix.lalrpop` into `OUT_DIR`.
fn main() {
    println!("cargo:rerun-if-changed=grammar/nix.lalrpop");
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .set_out_dir(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .process()
        .expect("the grammar must compile");
}
