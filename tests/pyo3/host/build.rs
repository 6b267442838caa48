// Only the --features static build links libpython (through plugin B); it
// needs the rpath plugin/build.rs gave the plugin's cdylib, if any.
fn main() {
    if let Ok(dir) = std::env::var("DEP_PLUGIN_RPATH") {
        println!("cargo::rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
