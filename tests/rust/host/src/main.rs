//! An unmodified host: loads plugins with libloading (dlopen RTLD_LOCAL|RTLD_LAZY)
//! and calls their `plugin_run` entry point.
//!
//!   host SCRIPT PLUGIN...          run SCRIPT in each plugin, keeping them loaded
//!   host --reload N SCRIPT PLUGIN  N cycles: load, run on a short-lived thread,
//!                                  unload; prints whether the plugin is still
//!                                  mapped and the RSS after each cycle
use libloading::{Library, Symbol};
use std::ffi::{c_char, CString};

type Run = unsafe extern "C" fn(*const c_char, *mut c_char, usize) -> i32;

fn run_in(lib: &Library, script: &str) -> Result<String, String> {
    let run: Symbol<Run> = unsafe { lib.get(b"plugin_run") }.map_err(|e| e.to_string())?;
    let script = CString::new(script).unwrap();
    let mut out = vec![0u8; 8192];
    let rc = unsafe { run(script.as_ptr(), out.as_mut_ptr() as *mut c_char, out.len()) };
    let end = out.iter().position(|&b| b == 0).unwrap_or(out.len());
    let text = String::from_utf8_lossy(&out[..end]).into_owned();
    if rc == 0 { Ok(text) } else { Err(text) }
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Whether a file of that name is mapped in this process.
fn mapped(path: &str) -> bool {
    let name = std::path::Path::new(path).file_name().unwrap().to_string_lossy().into_owned();
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    maps.lines().any(|l| l.ends_with(&format!("/{name}")))
}

fn load(path: &str) -> Library {
    match unsafe { Library::new(path) } {
        Ok(lib) => lib,
        Err(e) => {
            println!("load failed: {e}");
            std::process::exit(1);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut failed = false;
    if args.first().map(String::as_str) == Some("--reload") {
        let cycles: usize = args[1].parse().expect("cycles");
        let (script, path) = (args[2].clone(), args[3].clone());
        for cycle in 1..=cycles {
            let lib = load(&path);
            let result = std::thread::scope(|s| s.spawn(|| run_in(&lib, &script)).join().unwrap());
            drop(lib);
            match result {
                Ok(r) => println!("cycle {cycle}: {r} mapped={} rss_kib={}",
                                  if mapped(&path) { "yes" } else { "no" }, rss_kib()),
                Err(e) => { println!("cycle {cycle}: {e}"); failed = true; }
            }
        }
    } else {
        let script = &args[0];
        let libs: Vec<Library> = args[1..].iter().map(|p| load(p)).collect();
        for (lib, path) in libs.iter().zip(&args[1..]) {
            match run_in(lib, script) {
                Ok(r) => println!("{path}: {r}"),
                Err(e) => { println!("{path}: {e}"); failed = true; }
            }
        }
    }
    std::process::exit(if failed { 1 } else { 0 });
}
