//! The `tern` binary: hands the command line to `cli::run`.

#[global_allocator]
static GLOBAL: tern::allocator::Mimalloc = tern::allocator::Mimalloc;

fn main() {
    tern::allocator::configure();
    let argv: Vec<String> = std::env::args().collect();
    let code = tern::cli::run(argv);
    // Exit without running destructors: freeing a large heap of values only costs time.
    use std::io::Write;
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}
