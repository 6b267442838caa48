//! A PyO3 plugin: loads a Python script, calls its `main()` and hands the
//! result back through a C entry point.  Errors come back as text, never as a
//! panic across the FFI boundary.
use pyo3::prelude::*;
use pyo3::types::PyModule;
use std::ffi::{c_char, CStr, CString};

/// Runs `main()` of the script at `path`; "ERROR …" when anything fails.
pub fn run(path: &str) -> String {
    Python::initialize();
    Python::attach(|py| -> PyResult<String> {
        let code = std::fs::read_to_string(path)?;
        let code = CString::new(code)?;
        let module = PyModule::from_code(py, code.as_c_str(), c"script.py", c"script")?;
        module.getattr("main")?.call0()?.extract()
    })
    .unwrap_or_else(|e| format!("ERROR {e}"))
}

/// # Safety
/// `path` is a NUL-terminated string; `out` has room for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn plugin_run(path: *const c_char, out: *mut c_char, len: usize) -> i32 {
    let result = std::panic::catch_unwind(|| {
        let path = unsafe { CStr::from_ptr(path) }.to_string_lossy().into_owned();
        run(&path)
    })
    .unwrap_or_else(|_| "ERROR panic in plugin".to_string());
    let bytes = result.as_bytes();
    let n = bytes.len().min(len.saturating_sub(1));
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), out as *mut u8, n);
        *out.add(n) = 0;
    }
    if result.starts_with("ERROR") { 1 } else { 0 }
}
