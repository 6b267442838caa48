// A libpython outside the system directories (a pyenv Python's lib/) is not
// on the loader's default path: give the cdylib an rpath to it, as a PyO3 user
// would.  A system libpython gets none, like most plugins in the wild; the
// extension-module build does not link libpython at all.  The rpath is also
// passed on to host/build.rs (DEP_PLUGIN_RPATH) for the statically linked host.
fn main() {
    println!("cargo::rerun-if-env-changed=PYO3_PYTHON");
    let linked = std::env::var_os("CARGO_FEATURE_EXTENSION_MODULE").is_none();
    match pyo3_build_config::get().lib_dir() {
        Some(dir) if linked && !dir.starts_with("/usr/") && !dir.starts_with("/lib") => {
            println!("cargo::rustc-link-arg=-Wl,-rpath,{dir}");
            println!("cargo::metadata=rpath={dir}");
        }
        _ => {}
    }
}
