//! The `hanfix` command (placeholder until the CLI lands).
fn main() {
    let mut s = String::new();
    let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s);
    print!("{}", hanfix::fix(&s));
}
