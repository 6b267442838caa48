#!/bin/sh
# The case pypin exists for, end to end: a Rust host that loads a PyO3 plugin
# with libloading, and a Python script using numpy, pandas and pyarrow, in two
# Python worlds (Debian's python3.11 with Debian's numpy; a venv of another 3.11
# installation, same libpython soname, with numpy 2.x, pandas and pyarrow wheels).
# Every case that pypin fixes is first shown failing without it.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"
t_suite=rust
R=$TOP/tests/rust
T_TIMEOUT=300

if ! command -v cargo >/dev/null 2>&1; then
	t_begin "Rust/PyO3 suite"
	t_skip "cargo not found"
	t_end
fi
if [ ! -x "$R/target/debian/debug/host" ] || [ ! -f "$R/target/ext/debug/libplugin.so" ]; then
	"$R/setup.sh" >/dev/null || { echo "rust: setup failed"; exit 1; }
fi

HOST=$R/target/debian/debug/host
DEB=$R/target/debian/debug/libplugin.so
EXT=$R/target/ext/debug/libplugin.so
VENVPLUGIN=$R/target/venv/debug/libplugin.so
VENV=$R/build/venv
SCRIPT=$R/script.py
PYPIN=$TOP/scripts/pypin
SYSLIBPYTHON=$(/usr/bin/python3.11 -c 'import sysconfig as s, os; print(os.path.join(s.get_config_var("LIBDIR"), s.get_config_var("INSTSONAME")))')
DEBIAN_RESULT='RESULT sum=5050 groups=a=4,b=2,c=4 pyarrow=absent numpy=1\.[0-9.]* prefix=/usr$'
VENV_RESULT="RESULT sum=5050 groups=a=4,b=2,c=4 pyarrow=rows=3 numpy=2\.[0-9.]* prefix=$VENV\$"
NUMPY_FAILED='Importing the numpy C-extensions failed\|you should not try to import numpy from its source directory'

have_venv() { [ -f "$VENVPLUGIN" ] && [ -x "$VENV/bin/python" ]; }

# --- 1. the baseline -------------------------------------------------------------

t_begin "A links B as a crate: works without pypin"
run "$R/target/debian/debug/host-static" "$SCRIPT"
expect_ok "$DEBIAN_RESULT"

# --- 2. libloading, plugin linked to libpython -------------------------------------

t_begin "Debian world: A loads B with libloading: numpy fails without pypin"
run "$HOST" "$SCRIPT" "$DEB"
out_has 'undefined symbol: Py' && expect_fail "$NUMPY_FAILED"
t_begin "Debian world: works under LD_PRELOAD=libpypin.so"
run_pypin "$HOST" "$SCRIPT" "$DEB"
expect_ok "$DEBIAN_RESULT"
t_begin "Debian world: works under the launcher"
run "$PYPIN" -- "$HOST" "$SCRIPT" "$DEB"
expect_ok "$DEBIAN_RESULT"

if have_venv; then
	t_begin "venv world (venv first on PATH): numpy 2 fails without pypin"
	run env PATH="$VENV/bin:$PATH" "$HOST" "$SCRIPT" "$VENVPLUGIN"
	expect_fail "$NUMPY_FAILED"
	t_begin "venv world: works under LD_PRELOAD with PYPIN_PYTHON"
	run_pypin env PYPIN_PYTHON="$VENV/bin/python" "$HOST" "$SCRIPT" "$VENVPLUGIN"
	expect_ok "$VENV_RESULT"
	t_begin "venv world: works under the launcher with --python"
	run "$PYPIN" --python "$VENV/bin/python" -- "$HOST" "$SCRIPT" "$VENVPLUGIN"
	expect_ok "$VENV_RESULT"
else
	t_begin "venv world"
	t_skip "no venv of another Python 3.11 (tests/rust/setup.sh needs pyenv's 3.11.7)"
fi

# --- 3. extension-module: no libpython dependency ------------------------------------

t_begin "extension-module build: dlopen fails without pypin"
run "$HOST" "$SCRIPT" "$EXT"
expect_fail "load failed: .*undefined symbol: _\{0,1\}Py"
t_begin "extension-module build: works under pypin with the default libpython"
run_pypin env PYPIN_DEBUG=1 "$HOST" "$SCRIPT" "$EXT"
out_has 'needs Python symbols' && expect_ok "$DEBIAN_RESULT"
t_begin "extension-module build: works with PYPIN_LIBPYTHON"
run_pypin env PYPIN_DEBUG=1 PYPIN_LIBPYTHON="$SYSLIBPYTHON" "$HOST" "$SCRIPT" "$EXT"
out_has "pinned $SYSLIBPYTHON (loaded, PYPIN_LIBPYTHON" && expect_ok "$DEBIAN_RESULT"
if have_venv; then
	VENVLIB=$("$VENV/bin/python" -c 'import sysconfig as s, os; print(os.path.join(s.get_config_var("LIBDIR"), s.get_config_var("INSTSONAME")))')
	t_begin "extension-module build: the venv world's libpython and venv, named"
	run "$PYPIN" --libpython "$VENVLIB" --python "$VENV/bin/python" -- "$HOST" "$SCRIPT" "$EXT"
	expect_ok "$VENV_RESULT"
fi

# --- 4. hot reload ---------------------------------------------------------------------

t_begin "hot reload: fails without pypin"
run "$HOST" --reload 50 "$SCRIPT" "$DEB"
out_has '^cycle 1: ERROR ImportError' && expect_fail "$NUMPY_FAILED"
t_begin "hot reload: 50 cycles under pypin, plugin unloaded each time, memory settles"
run_pypin "$HOST" --reload 50 "$SCRIPT" "$DEB"
ok=$(grep -c "^cycle [0-9]*: RESULT sum=5050 .* mapped=no rss_kib=" "$t_out/out")
rss10=$(sed -n 's/^cycle 10: .*rss_kib=\([0-9]*\)$/\1/p' "$t_out/out")
rss50=$(sed -n 's/^cycle 50: .*rss_kib=\([0-9]*\)$/\1/p' "$t_out/out")
if [ "$ok" -ne 50 ]; then t_fail "$ok of 50 cycles returned the right result with the plugin unloaded"
elif [ $((rss50 - rss10)) -gt 65536 ]; then t_fail "RSS grew by $((rss50 - rss10)) KiB from cycle 10 to 50"
else expect_ok && echo "    (RSS: cycle 10 ${rss10} KiB, cycle 50 ${rss50} KiB)"; fi

# --- 5. two builds, one interpreter -------------------------------------------------------

if have_venv; then
	t_begin "two builds of B (one per world) in one A: fails without pypin"
	run "$HOST" "$SCRIPT" "$DEB" "$VENVPLUGIN"
	expect_fail "$NUMPY_FAILED"
	t_begin "two builds of B in one A: one pinned interpreter serves both"
	run_pypin env PYPIN_DEBUG=1 "$HOST" "$SCRIPT" "$DEB" "$VENVPLUGIN"
	if [ "$(grep -c "$DEBIAN_RESULT" "$t_out/out")" -eq 2 ] &&
	   out_has "^pypin\[[0-9]*\]: $DEB: needs libpython3.11.so.1.0 (DT_NEEDED); pinned $SYSLIBPYTHON (loaded" &&
	   out_has "^pypin\[[0-9]*\]: $VENVPLUGIN: needs libpython3.11.so.1.0 (DT_NEEDED); Python 3.11 already pinned ($SYSLIBPYTHON)" &&
	   [ "$(grep -c '(loaded, ' "$t_out/out")" -eq 1 ]; then
		expect_ok
	else
		t_fail "expected both scripts to run in Debian's pinned interpreter"
	fi
fi

# --- 6. virtual environments, and PATH ------------------------------------------------------

if have_venv; then
	t_begin "the interpreter's home does not follow PATH (no PYPIN_PYTHON)"
	run_pypin env PATH="$VENV/bin:$PATH" "$HOST" "$SCRIPT" "$DEB"
	expect_ok "$DEBIAN_RESULT"
	t_begin "PYPIN_PYTHON: sys.prefix is the venv whatever comes first on PATH"
	run_pypin env PATH="/usr/bin:$PATH" PYPIN_PYTHON="$VENV/bin/python" "$HOST" "$SCRIPT" "$VENVPLUGIN"
	expect_ok "$VENV_RESULT"
fi

t_end
