//! Writes the CLI's demo input, `crates/hanfix-cli/assets/demo.txt`: the built-in news paragraph
//! damaged in the reference crawl's layer order at a fixed seed.
//!
//! `cargo run -p hanfix-sim --example make_demo [OUT]`

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let (clean, damaged) = hanfix_sim::corpus::demo();
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../hanfix-cli/assets/demo.txt")
        });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, format!("{damaged}\n"))?;
    eprintln!("clean:   {clean}");
    eprintln!("damaged: {damaged}");
    eprintln!("wrote {}", out.display());
    Ok(())
}
