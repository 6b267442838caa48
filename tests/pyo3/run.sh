#!/bin/sh
# The Rust/PyO3 case end to end: host A (Rust, libloading, no PyO3) loads plugin
# B (PyO3, auto-initialize) which runs script.py (numpy, pandas, pyarrow), in
# two Python worlds: Debian's python3.11 and a venv of pyenv's 3.11.7.
# Every case where pypin fixes something runs first without pypin and must
# fail there.  Builds the fixtures with setup.sh when they are missing or stale.
#
#   sh tests/pyo3/run.sh
# LIBPYPIN=/path/libpypin.so tests another build; PYENV_PYTHON names the
# second world's python (default pyenv's 3.11.7): without it, its cases SKIP.

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
. "$TOP/tests/lib.sh"
t_suite=pyo3

B=$HERE/build
PYENV_PYTHON=${PYENV_PYTHON:-${PYENV_ROOT:-$HOME/.pyenv}/versions/3.11.7/bin/python3.11}
PYENV_PREFIX=$(dirname "$(dirname "$PYENV_PYTHON")")
VENV=$B/venv
LAUNCHER=$TOP/scripts/pypin
RSS_BOUND_KIB=32768   # hot reload: RSS growth allowed from cycle 10 to 50

# --- fixtures ----------------------------------------------------------------
stale() {
	[ -f "$B/.done" ] || return 0
	[ -n "$(find "$HERE/setup.sh" "$HERE/Cargo.toml" "$HERE/Cargo.lock" "$HERE/host" "$HERE/plugin" \
		-newer "$B/.done" -print 2>/dev/null | head -n 1)" ]
}
if ! command -v cargo >/dev/null && [ ! -f "$B/.done" ]; then
	t_begin "the Rust/PyO3 case"
	t_skip "cargo is not on PATH"
	t_end
fi
if stale; then
	echo "pyo3: fixtures missing or stale, running setup.sh"
	PYENV_PYTHON=$PYENV_PYTHON sh "$HERE/setup.sh" || { echo "pyo3: setup.sh failed"; exit 1; }
fi
if [ ! -f "$LIBPYPIN" ]; then
	echo "pyo3: $LIBPYPIN is not built (run make in $TOP)"
	exit 1
fi

HOST=$B/debian/host
DEBIAN_PLUGIN=$B/debian/libplugin.so
EXT_PLUGIN=$B/debian/libplugin-ext.so
PYENV_PLUGIN=$B/pyenv/libplugin.so
DEBIAN_LIBPYTHON=$(readlink -f /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0)
PYENV_LIBPYTHON=$PYENV_PREFIX/lib/libpython3.11.so.1.0
export PLUGIN_SCRIPT=$HERE/script.py

# Which python3 comes first on PATH: Debian's, pyenv's, or the venv's (activated).
PATH_DEBIAN=/usr/bin:/bin
PATH_PYENV=$PYENV_PREFIX/bin:/usr/bin:/bin
PATH_VENV=$VENV/bin:/usr/bin:/bin

have_pyenv=yes
if [ ! -x "$PYENV_PYTHON" ]; then
	have_pyenv="no pyenv Python at $PYENV_PYTHON"
elif [ ! -f "$PYENV_PLUGIN" ]; then
	have_pyenv="the venv world was not built (see setup.sh)"
fi

# What each world's own python reports, for exact comparison.
ask() { "$1" -c "import $2; print($2.__version__)" 2>/dev/null; }
DEBIAN_NUMPY=$(ask /usr/bin/python3.11 numpy)
DEBIAN_PANDAS=$(ask /usr/bin/python3.11 pandas)
DEBIAN_VERSION=$(/usr/bin/python3.11 -c 'import platform; print(platform.python_version())')
if [ "$have_pyenv" = yes ]; then
	VENV_NUMPY=$(ask "$VENV/bin/python" numpy)
	VENV_PANDAS=$(ask "$VENV/bin/python" pandas)
	VENV_ARROW=$(ask "$VENV/bin/python" pyarrow)
	PYENV_PY_VERSION=$("$PYENV_PYTHON" -c 'import platform; print(platform.python_version())')
fi

# --- helpers -----------------------------------------------------------------
# nopin PATH CMD...: run CMD with that PATH and no pypin.
# pin PATH CMD...: the same under LD_PRELOAD=$LIBPYPIN.
# launch PATH [OPTION...] -- CMD...: the same through the pypin launcher.
nopin() { p=$1; shift; run env PATH="$p" "$@"; }
pin() { p=$1; shift; run env PATH="$p" LD_PRELOAD="$LIBPYPIN" "$@"; }
launch() { p=$1; shift; run env PATH="$p" "$LAUNCHER" --lib "$LIBPYPIN" "$@"; }

# info_lines TAG WORLD / main_lines TAG WORLD: the lines script.py's info() /
# main() print when run by plugin TAG in WORLD (debian, venv, pyenv = pyenv's
# own installation, which has no numpy).
info_lines() {
	case $2 in
	debian) printf '%s\n' prefix=/usr "python=$DEBIAN_VERSION" "libpython=$DEBIAN_LIBPYTHON" ;;
	venv) printf '%s\n' "prefix=$VENV" "base_prefix=$PYENV_PREFIX" "python=$PYENV_PY_VERSION" \
		"libpython=$PYENV_LIBPYTHON" ;;
	pyenv) printf '%s\n' "prefix=$PYENV_PREFIX" "python=$PYENV_PY_VERSION" "libpython=$PYENV_LIBPYTHON" ;;
	esac | sed "s|^|$1 |"
	echo "$1 json_c=yes"
}
main_lines() {
	info_lines "$1" "$2"
	case $2 in
	debian) printf '%s\n' "numpy=$DEBIAN_NUMPY" "pandas=$DEBIAN_PANDAS" pyarrow=absent ;;
	venv) printf '%s\n' "numpy=$VENV_NUMPY" "pandas=$VENV_PANDAS" "pyarrow=$VENV_ARROW" arrow_rows=4 ;;
	esac | sed "s|^|$1 |"
	printf '%s\n' numpy_sum=5050 numpy_dot=338350 groupby=a:4,b:6 | sed "s|^|$1 |"
}

# ok_lines LINES: the last run succeeded and printed each of LINES (one per
# line of the argument) as a whole line.
ok_lines() {
	if [ "$t_rc" -ne 0 ]; then t_fail "exit status $t_rc, expected 0"; return 1; fi
	missing=$(printf '%s\n' "$1" | grep -vxF -f "$t_out/out")
	if [ -n "$missing" ]; then t_fail "output lacks: $(echo "$missing" | paste -sd '|')"; return 1; fi
	t_pass
}
# fails_with PATTERN...: the last run failed (without hanging or crashing)
# and its output matches every grep PATTERN.
fails_with() {
	case $t_rc in
	0) t_fail "exit status 0, expected a failure"; return 1 ;;
	124|137) t_fail "hung (timed out)"; return 1 ;;
	1|2) ;;
	*) t_fail "exit status $t_rc: a crash, expected a clean failure"; return 1 ;;
	esac
	for p; do out_has "$p" || { t_fail "output lacks '$p'"; return 1; }; done
	t_pass
}
# The two ways numpy reports extension modules that cannot see libpython.
NUMPY_C='Importing the numpy C-extensions failed\|import numpy from its source directory'
UNDEFINED='undefined symbol: _\{0,1\}Py'
numpy_fails() { fails_with "$NUMPY_C" "$UNDEFINED"; }

# cycles_ok N LINES: hot reload ran N cycles, each ok and unloaded, with the
# result LINES, and RSS settled.
cycles_ok() {
	if [ "$t_rc" -ne 0 ]; then t_fail "exit status $t_rc, expected 0"; return 1; fi
	n=$(grep -c '^\[cycle [0-9]*\] ok rss_kib=[0-9]* unloaded=yes$' "$t_out/out")
	if [ "$n" -ne "$1" ]; then t_fail "$n of $1 cycles ok and unloaded"; return 1; fi
	growth=$(sed -n 's/^rss growth from cycle 10 to [0-9]*: \(-\{0,1\}[0-9]*\) KiB$/\1/p' "$t_out/out")
	if [ -z "$growth" ] || [ "$growth" -ge "$RSS_BOUND_KIB" ]; then
		t_fail "RSS grew by '${growth:-?}' KiB from cycle 10 to $1 (bound $RSS_BOUND_KIB)"; return 1
	fi
	echo "    RSS growth from cycle 10 to $1: $growth KiB (bound $RSS_BOUND_KIB)"
	ok_lines "$2"
}

# pyenv_case NAME: begins case NAME; false (and a SKIP) without the venv world.
pyenv_case() {
	t_begin "$1"
	[ "$have_pyenv" = yes ] && return 0
	t_skip "$have_pyenv"
	return 1
}

# dynamic_section FILE: readelf -d, for the fixture checks.
dynamic_section() { readelf -d "$1" 2>/dev/null; }
undefined_py() { readelf --dyn-syms -W "$1" | awk '$7 == "UND" && $8 ~ /^_?Py/' | wc -l; }

# --- fixtures are what they claim to be --------------------------------------
t_begin "fixtures: host A has no libpython and no Py symbols"
run readelf -d "$HOST"
if dynamic_section "$HOST" | grep -q 'NEEDED.*libpython'; then t_fail "host needs libpython"
elif [ "$(undefined_py "$HOST")" -ne 0 ]; then t_fail "host has undefined Py symbols"
else t_pass; fi

t_begin "fixtures: Debian plugin B needs libpython3.11.so.1.0, found in the system directory"
run ldd "$DEBIAN_PLUGIN"
if ! dynamic_section "$DEBIAN_PLUGIN" | grep -q 'NEEDED.*\[libpython3\.11\.so\.1\.0\]'; then t_fail "no NEEDED libpython"
elif dynamic_section "$DEBIAN_PLUGIN" | grep -q 'R[UN]*PATH'; then t_fail "has an rpath"
elif ! out_has 'libpython3\.11\.so\.1\.0 => /[a-z/]*lib/x86_64-linux-gnu/libpython3\.11\.so\.1\.0 '; then t_fail "ldd finds another libpython"
else t_pass; fi

t_begin "fixtures: extension-module plugin B has no libpython and undefined Py symbols"
run readelf -d "$EXT_PLUGIN"
n=$(undefined_py "$EXT_PLUGIN")
if dynamic_section "$EXT_PLUGIN" | grep -q 'NEEDED.*libpython'; then t_fail "NEEDED libpython"
elif [ "$n" -eq 0 ]; then t_fail "no undefined Py symbols"
else echo "    $n undefined Py symbols"; t_pass; fi

if pyenv_case "fixtures: venv plugin B has a RUNPATH to pyenv's lib and ldd finds pyenv's libpython"; then
	run ldd "$PYENV_PLUGIN"
	if ! dynamic_section "$PYENV_PLUGIN" | grep -q "RUNPATH.*\[$PYENV_PREFIX/lib\]"; then t_fail "no RUNPATH $PYENV_PREFIX/lib"
	elif ! out_has "libpython3.11.so.1.0 => $PYENV_LIBPYTHON "; then t_fail "ldd does not find $PYENV_LIBPYTHON"
	else t_pass; fi
fi
if pyenv_case "fixtures: the venv has numpy 2.x, pandas and pyarrow"; then
	case $VENV_NUMPY in
	2.*) if [ -n "$VENV_PANDAS" ] && [ -n "$VENV_ARROW" ]; then t_pass; else t_fail "pandas or pyarrow missing"; fi ;;
	*) t_fail "numpy '$VENV_NUMPY' in the venv" ;;
	esac
fi

t_begin "fixtures: plugin B returns a Python exception as text, not a panic"
nopin "$PATH_DEBIAN" "$B/debian/host-static" --static --func no_such_function
fails_with "^\\[1\\] error (plugin_run returned 1):\$" "^\\[1\\] AttributeError: .*'no_such_function'"

t_begin "fixtures: plugin B reports a missing script"
nopin "$PATH_DEBIAN" "$B/debian/host-static" --static --script "$B/no-such-script.py"
fails_with "^\\[1\\] cannot read $B/no-such-script.py"

# --- 1. plugin B linked into host A as a crate: the baseline -----------------
t_begin "1 debian: B linked into A works without pypin"
nopin "$PATH_DEBIAN" "$B/debian/host-static" --static
ok_lines "$(main_lines '[1]' debian)"

if pyenv_case "1 venv: B linked into A works without pypin (venv activated)"; then
	nopin "$PATH_VENV" "$B/pyenv/host-static" --static
	ok_lines "$(main_lines '[1]' venv)"
fi

# --- 2. A loads B with libloading --------------------------------------------
t_begin "2 debian: libloading, no pypin: numpy cannot see libpython"
nopin "$PATH_DEBIAN" "$HOST" "$DEBIAN_PLUGIN"
numpy_fails

t_begin "2 debian: libloading, no pypin: _json silently falls back to pure Python"
nopin "$PATH_DEBIAN" "$HOST" --func info "$DEBIAN_PLUGIN"
if [ "$t_rc" -eq 0 ] && out_has '^\[1\] json_c=no$'; then t_pass; else t_fail "expected json_c=no"; fi

t_begin "2 debian: libloading, pypin preloaded but PYPIN_DISABLE=1: still fails"
pin "$PATH_DEBIAN" env PYPIN_DISABLE=1 "$HOST" "$DEBIAN_PLUGIN"
numpy_fails

t_begin "2 debian: libloading under LD_PRELOAD=libpypin.so"
pin "$PATH_DEBIAN" "$HOST" "$DEBIAN_PLUGIN"
ok_lines "$(main_lines '[1]' debian)"

t_begin "2 debian: libloading under the launcher"
launch "$PATH_DEBIAN" -- "$HOST" "$DEBIAN_PLUGIN"
ok_lines "$(main_lines '[1]' debian)"

if pyenv_case "2 venv: libloading, no pypin (venv activated): numpy 2.x cannot see libpython"; then
	nopin "$PATH_VENV" "$HOST" "$PYENV_PLUGIN"
	numpy_fails
fi
if pyenv_case "2 venv: libloading under LD_PRELOAD=libpypin.so, PYPIN_PYTHON=venv"; then
	pin "$PATH_VENV" env PYPIN_PYTHON="$VENV/bin/python" "$HOST" "$PYENV_PLUGIN"
	ok_lines "$(main_lines '[1]' venv)"
fi
if pyenv_case "2 venv: libloading under the launcher --python venv"; then
	launch "$PATH_VENV" --python "$VENV/bin/python" -- "$HOST" "$PYENV_PLUGIN"
	ok_lines "$(main_lines '[1]' venv)"
fi

# --- 3. B built with extension-module: no libpython at all -------------------
t_begin "3 extension-module, no pypin: dlopen fails with an undefined symbol"
nopin "$PATH_DEBIAN" "$HOST" "$EXT_PLUGIN"
fails_with '^\[1\] load failed: .*undefined symbol: _\{0,1\}Py'

t_begin "3 extension-module under pypin, PYPIN_LIBPYTHON=Debian's"
pin "$PATH_DEBIAN" env PYPIN_LIBPYTHON="$DEBIAN_LIBPYTHON" "$HOST" "$EXT_PLUGIN"
ok_lines "$(main_lines '[1]' debian)"

# It names no version: pypin takes the python PyO3 would have built it with,
# here Debian's, first on PATH.
t_begin "3 extension-module under pypin, no libpython named (Debian's python3 first on PATH)"
pin "$PATH_DEBIAN" "$HOST" "$EXT_PLUGIN"
ok_lines "$(main_lines '[1]' debian)"

t_begin "3 extension-module under the launcher --libpython Debian's"
launch "$PATH_DEBIAN" --libpython "$DEBIAN_LIBPYTHON" -- "$HOST" "$EXT_PLUGIN"
ok_lines "$(main_lines '[1]' debian)"

if pyenv_case "3 extension-module under pypin, PYPIN_LIBPYTHON=pyenv's, PYPIN_PYTHON=venv"; then
	pin "$PATH_DEBIAN" env PYPIN_LIBPYTHON="$PYENV_LIBPYTHON" PYPIN_PYTHON="$VENV/bin/python" "$HOST" "$EXT_PLUGIN"
	ok_lines "$(main_lines '[1]' venv)"
fi

# --- 4. hot reload: load, run on a short-lived thread, unload; 50 times -------
t_begin "4 hot reload, no pypin: the first cycle fails"
nopin "$PATH_DEBIAN" "$HOST" --cycles 50 "$DEBIAN_PLUGIN"
fails_with "$NUMPY_C" "$UNDEFINED" '^\[cycle 1\] failed:$'

t_begin "4 hot reload under pypin: 50 cycles, Debian"
pin "$PATH_DEBIAN" "$HOST" --cycles 50 "$DEBIAN_PLUGIN"
cycles_ok 50 "$(main_lines '[1]' debian)"

t_begin "4 hot reload, extension-module, no pypin: the first load fails"
nopin "$PATH_DEBIAN" "$HOST" --cycles 50 "$EXT_PLUGIN"
fails_with '^\[cycle 1\] load failed: .*undefined symbol: _\{0,1\}Py'

t_begin "4 hot reload under pypin: 50 cycles, extension-module"
pin "$PATH_DEBIAN" "$HOST" --cycles 50 "$EXT_PLUGIN"
cycles_ok 50 "$(main_lines '[1]' debian)"

if pyenv_case "4 hot reload, no pypin (venv activated): the first cycle fails"; then
	nopin "$PATH_VENV" "$HOST" --cycles 50 "$PYENV_PLUGIN"
	fails_with "$NUMPY_C" "$UNDEFINED" '^\[cycle 1\] failed:$'
fi
if pyenv_case "4 hot reload under pypin: 50 cycles, venv"; then
	pin "$PATH_VENV" env PYPIN_PYTHON="$VENV/bin/python" "$HOST" --cycles 50 "$PYENV_PLUGIN"
	cycles_ok 50 "$(main_lines '[1]' venv)"
fi

# --- 5. two builds of B (one per world, same soname) in one host --------------
if pyenv_case "5 two builds, no pypin: numpy fails in both"; then
	nopin "$PATH_DEBIAN" "$HOST" "$DEBIAN_PLUGIN" "$PYENV_PLUGIN"
	numpy_fails
fi
if pyenv_case "5 two builds under pypin, Debian's first: one interpreter, Debian's, serves both"; then
	pin "$PATH_DEBIAN" env PYPIN_DEBUG=1 "$HOST" "$DEBIAN_PLUGIN" "$PYENV_PLUGIN"
	if ! out_has '^pypin\[[0-9]*\]: .*libpython'; then t_fail "no pypin line mentions libpython"
	else ok_lines "$(main_lines '[1]' debian; main_lines '[2]' debian)"; fi
fi
if pyenv_case "5 two builds under pypin, venv's first, PYPIN_PYTHON=venv: the venv serves both"; then
	pin "$PATH_DEBIAN" env PYPIN_DEBUG=1 PYPIN_PYTHON="$VENV/bin/python" "$HOST" "$PYENV_PLUGIN" "$DEBIAN_PLUGIN"
	if ! out_has "^pypin\[[0-9]*\]: .*$PYENV_LIBPYTHON"; then t_fail "no pypin line names $PYENV_LIBPYTHON"
	else ok_lines "$(main_lines '[1]' venv; main_lines '[2]' venv)"; fi
fi
if pyenv_case "5 two builds under pypin, venv's first, no PYPIN_PYTHON: pyenv's installation serves both, in that venv of it"; then
	pin "$PATH_VENV" "$HOST" --func info "$PYENV_PLUGIN" "$DEBIAN_PLUGIN"
	ok_lines "$(info_lines '[1]' venv; info_lines '[2]' venv)"
fi

# --- 6. interpreter home: PYPIN_PYTHON, or a venv of the pinned installation ---
if pyenv_case "6 debian plugin, pyenv first on PATH, no pypin: a foreign stdlib"; then
	nopin "$PATH_PYENV" "$HOST" --func info "$DEBIAN_PLUGIN"
	if [ "$t_rc" -eq 0 ] && out_has "^\[1\] prefix=$PYENV_PREFIX\$"; then t_pass
	else t_fail "expected prefix=$PYENV_PREFIX (the home follows PATH without pypin)"; fi
fi
if pyenv_case "6 debian plugin, pyenv first on PATH, under pypin: sys.prefix=/usr"; then
	pin "$PATH_PYENV" "$HOST" "$DEBIAN_PLUGIN"
	ok_lines "$(main_lines '[1]' debian)"
fi
if pyenv_case "6 debian plugin, venv first on PATH, under pypin: sys.prefix=/usr"; then
	pin "$PATH_VENV" "$HOST" "$DEBIAN_PLUGIN"
	ok_lines "$(main_lines '[1]' debian)"
fi
if pyenv_case "6 venv plugin, Debian first on PATH, no pypin: a foreign stdlib"; then
	nopin "$PATH_DEBIAN" "$HOST" --func info "$PYENV_PLUGIN"
	if [ "$t_rc" -eq 0 ] && out_has '^\[1\] prefix=/usr$'; then t_pass
	else t_fail "expected prefix=/usr (the home follows PATH without pypin)"; fi
fi
if pyenv_case "6 venv plugin, Debian first on PATH, PYPIN_PYTHON=venv: sys.prefix is the venv"; then
	pin "$PATH_DEBIAN" env PYPIN_PYTHON="$VENV/bin/python" "$HOST" "$PYENV_PLUGIN"
	ok_lines "$(main_lines '[1]' venv)"
fi
if pyenv_case "6 venv plugin, Debian first on PATH, launcher --python venv"; then
	launch "$PATH_DEBIAN" --python "$VENV/bin/python" -- "$HOST" "$PYENV_PLUGIN"
	ok_lines "$(main_lines '[1]' venv)"
fi
if pyenv_case "6 venv plugin, venv first on PATH, pypin without PYPIN_PYTHON: that venv of the pinned installation"; then
	pin "$PATH_VENV" "$HOST" --func info "$PYENV_PLUGIN"
	ok_lines "$(info_lines '[1]' venv)"
fi

t_end
