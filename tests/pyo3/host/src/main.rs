//! Host A: loads plugin B with libloading (dlopen RTLD_LAZY|RTLD_LOCAL), calls
//! its C entry point `plugin_run` and prints what the Python script returned,
//! each line tagged `[N]` (N: the plugin's position on the command line).
//! Host A knows nothing of Python; only `--features static` links plugin B in.

use std::ffi::{CStr, CString, c_char, c_int};
use std::process::ExitCode;

use libloading::Library;

/// `plugin_run(script, func, buf, len)`; see plugin B.
type RunFn = unsafe extern "C" fn(*const c_char, *const c_char, *mut c_char, usize) -> c_int;
/// `plugin_shutdown()`; see plugin B.
type ShutdownFn = unsafe extern "C" fn() -> c_int;

const USAGE: &str = "\
usage: host [--script PATH] [--func NAME] PLUGIN...
           load each plugin (all stay loaded) and run the script through it
       host --cycles N [--shutdown] [--script PATH] [--func NAME] PLUGIN
           N times: load, run on a short-lived thread, unload; with
           --shutdown, that thread then calls the plugin's plugin_shutdown
       host --static [--script PATH] [--func NAME]
           run plugin B linked in as a crate (a build with --features static)
Without --script, plugin B reads the script's path from $PLUGIN_SCRIPT.";

#[derive(Default)]
struct Args {
    script: Option<CString>,
    func: Option<CString>,
    cycles: Option<u32>,
    shutdown: bool,
    linked: bool,
    plugins: Vec<String>,
}

fn parse() -> Result<Args, String> {
    let mut args = Args::default();
    let mut argv = std::env::args().skip(1);
    let cstring = |s: String| CString::new(s).map_err(|_| "NUL byte in an argument".to_string());
    while let Some(arg) = argv.next() {
        let mut value = || argv.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--script" => args.script = Some(cstring(value()?)?),
            "--func" => args.func = Some(cstring(value()?)?),
            "--cycles" => {
                let n = value()?;
                args.cycles = Some(n.parse().map_err(|_| format!("bad --cycles {n}"))?);
            }
            "--static" => args.linked = true,
            "--shutdown" => args.shutdown = true,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            _ => args.plugins.push(arg),
        }
    }
    let plugins_wanted = match (args.linked, args.cycles) {
        (true, None) => 0..=0,
        (false, Some(_)) => 1..=1,
        (false, None) => 1..=usize::MAX,
        (true, Some(_)) => return Err("--static and --cycles do not mix".into()),
    };
    if args.shutdown && args.cycles.is_none() {
        return Err("--shutdown goes with --cycles".into());
    }
    if !plugins_wanted.contains(&args.plugins.len()) {
        return Err("wrong number of plugins".into());
    }
    Ok(args)
}

/// Calls the entry point; returns its code and text.
fn call(run: RunFn, args: &Args) -> (c_int, String) {
    let ptr = |s: &Option<CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
    let mut buf = vec![0 as c_char; 1 << 16];
    let code = unsafe { run(ptr(&args.script), ptr(&args.func), buf.as_mut_ptr(), buf.len()) };
    let text = unsafe { CStr::from_ptr(buf.as_ptr()) };
    (code, text.to_string_lossy().into_owned())
}

/// The same on a new thread that ends right after, so that the thread-local
/// destructors plugin B registered run and nothing pins it in memory.  With
/// `shutdown`, the same thread then ends the plugin's Python through it.
fn call_on_worker(run: RunFn, shutdown: Option<ShutdownFn>, args: &Args) -> (c_int, String) {
    let work = || {
        let (code, text) = call(run, args);
        match shutdown.map(|f| unsafe { f() }) {
            Some(rc) if rc != 0 && code == 0 => (rc, format!("plugin_shutdown returned {rc}")),
            _ => (code, text),
        }
    };
    std::thread::scope(|s| s.spawn(work).join())
        .unwrap_or_else(|_| (-1, "worker thread panicked".into()))
}

/// Prints the outcome, each line tagged; true when the script succeeded.
fn report(tag: &str, code: c_int, text: &str) -> bool {
    if code != 0 {
        println!("{tag} error (plugin_run returned {code}):");
    }
    for line in text.lines() {
        println!("{tag} {line}");
    }
    code == 0
}

fn load(tag: &str, path: &str) -> Option<(Library, RunFn)> {
    let loaded = unsafe { Library::new(path) }.and_then(|lib| {
        let run = *unsafe { lib.get::<RunFn>("plugin_run") }?;
        Ok((lib, run))
    });
    loaded.map_err(|e| println!("{tag} load failed: {}", chain(&e))).ok()
}

/// An error and its sources ("dlopen failed: <dlerror text>").
fn chain(e: &dyn std::error::Error) -> String {
    match e.source() {
        Some(source) => format!("{e}: {}", chain(source)),
        None => e.to_string(),
    }
}

/// Loads every plugin, keeps them all loaded, runs the script through each.
fn run_all(args: &Args) -> ExitCode {
    let mut keep = Vec::new();
    let mut ok = true;
    for (i, path) in args.plugins.iter().enumerate() {
        let tag = format!("[{}]", i + 1);
        let Some((lib, run)) = load(&tag, path) else { return ExitCode::from(2) };
        let (code, text) = call(run, args);
        ok &= report(&tag, code, &text);
        keep.push(lib);
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Resident set size of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Whether the file at `path` is mapped into this process.
fn mapped(path: &std::path::Path) -> bool {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    let path = path.to_string_lossy();
    maps.lines().any(|l| l.ends_with(&*path))
}

/// Hot reload: N cycles of load, run on a worker thread, unload.  Every
/// cycle must give the first cycle's result.  Prints one line per cycle.
fn run_cycles(args: &Args, cycles: u32) -> ExitCode {
    let path = &args.plugins[0];
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.into());
    let mut first: Option<String> = None;
    let mut rss = Vec::new();
    for n in 1..=cycles {
        let tag = format!("[cycle {n}]");
        let Some((lib, run)) = load(&tag, path) else { return ExitCode::from(2) };
        let shutdown = match args.shutdown.then(|| unsafe { lib.get::<ShutdownFn>("plugin_shutdown") }) {
            None => None,
            Some(Ok(f)) => Some(*f),
            Some(Err(e)) => {
                println!("{tag} no plugin_shutdown: {}", chain(&e));
                return ExitCode::FAILURE;
            }
        };
        let (code, text) = call_on_worker(run, shutdown, args);
        if let Err(e) = lib.close() {
            println!("{tag} unload failed: {e}");
            return ExitCode::FAILURE;
        }
        if code != 0 || first.as_ref().is_some_and(|f| *f != text) {
            println!("{tag} {}:", if code != 0 { "failed" } else { "differs from cycle 1" });
            report(&tag, code, &text);
            return ExitCode::FAILURE;
        }
        if first.is_none() {
            report("[1]", code, &text);
            first = Some(text);
        }
        rss.push(rss_kib());
        let unloaded = if mapped(&real) { "no" } else { "yes" };
        println!("{tag} ok rss_kib={} unloaded={unloaded}", rss[rss.len() - 1]);
    }
    if cycles >= 10 {
        let growth = rss[rss.len() - 1] as i64 - rss[9] as i64;
        println!("rss growth from cycle 10 to {cycles}: {growth} KiB");
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "static")]
fn run_linked(args: &Args) -> ExitCode {
    let (code, text) = call(plugin::plugin_run, args);
    if report("[1]", code, &text) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

#[cfg(not(feature = "static"))]
fn run_linked(_: &Args) -> ExitCode {
    println!("this host was built without --features static");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    match parse() {
        Err(e) => {
            if !e.is_empty() {
                eprintln!("host: {e}");
            }
            eprintln!("{USAGE}");
            ExitCode::from(if e.is_empty() { 0 } else { 2 })
        }
        Ok(args) if args.linked => run_linked(&args),
        Ok(args) => match args.cycles {
            Some(n) => run_cycles(&args, n),
            None => run_all(&args),
        },
    }
}
