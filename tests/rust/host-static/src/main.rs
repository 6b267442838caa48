//! The baseline: the plugin crate linked into the host.
fn main() {
    let script = std::env::args().nth(1).expect("usage: host-static SCRIPT");
    let result = plugin::run(&script);
    println!("{result}");
    std::process::exit(if result.starts_with("ERROR") { 1 } else { 0 });
}
