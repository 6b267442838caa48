//! Plugin B: runs a function of a Python script (script C) through PyO3 and
//! hands back its result behind a C entry point, `plugin_run`.
//!
//! Nothing crosses the FFI boundary but C strings and an int: a Python
//! exception comes back as its formatted traceback, a panic as its message.

use std::ffi::{CStr, CString, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::prelude::*;
use pyo3::types::{PyModule, PyString};

/// `plugin_run` return values.
pub const RUN_OK: c_int = 0;
pub const RUN_ERROR: c_int = 1;
pub const RUN_PANIC: c_int = 2;

/// Where the script is when the caller passes none.
pub const SCRIPT_ENV: &str = "PLUGIN_SCRIPT";

/// Runs `func()` of the Python file `script` and returns `str()` of its
/// result, or the text of what went wrong (a Python traceback included).
pub fn run(script: &str, func: &str) -> Result<String, String> {
    let source = std::fs::read_to_string(script).map_err(|e| format!("cannot read {script}: {e}"))?;
    let source = CString::new(source).map_err(|_| format!("{script}: NUL byte in the source"))?;
    let file = CString::new(script).map_err(|_| "NUL byte in the script path".to_string())?;
    Python::attach(|py| {
        let call = || -> PyResult<String> {
            let module = PyModule::from_code(py, &source, &file, c"plugin_script")?;
            module.getattr(func)?.call0()?.str()?.extract()
        };
        call().map_err(|err| describe(py, &err))
    })
}

/// The whole traceback, chained exceptions included (numpy's ImportError
/// carries the undefined symbol in its cause), or at least "Type: message".
fn describe(py: Python<'_>, err: &PyErr) -> String {
    let formatted = || -> PyResult<String> {
        let lines = py
            .import("traceback")?
            .getattr("format_exception")?
            .call1((err.get_type(py), err.value(py), err.traceback(py)))?;
        PyString::new(py, "").call_method1("join", (lines,))?.extract()
    };
    formatted().unwrap_or_else(|_| format!("Python error: {err}"))
}

/// Copies `text` into the caller's buffer of `len` bytes, NUL-terminated,
/// truncated if need be.
unsafe fn put(text: &str, buf: *mut c_char, len: usize) {
    if buf.is_null() || len == 0 {
        return;
    }
    let n = text.len().min(len - 1);
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), buf, n);
        *buf.add(n) = 0;
    }
}

/// C entry point.  `script`: path of the Python file, or NULL for
/// `$PLUGIN_SCRIPT`; `func`: the function to call, or NULL for `main`.
/// Writes the result (or the error text) into `buf` and returns `RUN_OK`,
/// `RUN_ERROR` or `RUN_PANIC`.
///
/// # Safety
/// `script` and `func` are NULL or NUL-terminated strings; `buf` is NULL or
/// points to `len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugin_run(
    script: *const c_char,
    func: *const c_char,
    buf: *mut c_char,
    len: usize,
) -> c_int {
    let arg = |p: *const c_char| -> Option<String> {
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let script = arg(script)
            .or_else(|| std::env::var(SCRIPT_ENV).ok())
            .ok_or_else(|| format!("no script given and ${SCRIPT_ENV} is not set"))?;
        run(&script, &arg(func).unwrap_or_else(|| "main".into()))
    }));
    let (code, text) = match outcome {
        Ok(Ok(result)) => (RUN_OK, result),
        Ok(Err(error)) => (RUN_ERROR, error),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            (RUN_PANIC, format!("panic in plugin: {what}"))
        }
    };
    unsafe { put(&text, buf, len) };
    code
}

/// C entry point for hosts that end the plugin's Python before unloading it,
/// as plugins with a shutdown hook do: takes the GIL on the calling thread and
/// calls `Py_FinalizeEx`.  Returns its result (0, or -1 when a flush failed),
/// or 0 when Python is not running.
///
/// # Safety
/// No Python object of this plugin may be alive or in use on another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugin_shutdown() -> c_int {
    unsafe {
        if pyo3::ffi::Py_IsInitialized() == 0 {
            return 0;
        }
        pyo3::ffi::PyGILState_Ensure();
        pyo3::ffi::Py_FinalizeEx()
    }
}
