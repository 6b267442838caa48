#!/bin/sh
# Which Python a plugin gets when it names no libpython version: the one it
# was built for, found as PyO3's build scripts find it (PYPIN_PYTHON,
# VIRTUAL_ENV, the first python or python3 on PATH), and never one that
# lacks what it needs.  Run against the pyenv Pythons present (2.7, 3.6 to
# 3.13; a version the machine lacks is skipped, and named) and Debian's 3.11.
# Every case that shows pypin choosing right also shows the same plugin
# failing, or running on the wrong Python, without it.
. "$(dirname "$0")/lib.sh"

H=$BUILD/host
CB=$BUILD/choose
PYENV=${PYENV_ROOT:-$HOME/.pyenv}/versions
SYSLIBPYTHON=$(/usr/bin/python3.11 -c 'import sysconfig as s, os; print(os.path.join(s.get_config_var("LIBDIR"), s.get_config_var("INSTSONAME")))')
ONE_LIBPYTHON='libpython[0-9][0-9.]*m\{0,1\}\.so\.1\.0$'

# pyenv_python X.Y: that version's pythonX.Y under pyenv, or nothing.
pyenv_python() {
	for p in "$PYENV/$1".*/bin/"python$1"; do
		[ -x "$p" ] && { printf '%s\n' "$p"; return; }
	done
}

# venv_of PYTHON DIR: a venv of PYTHON at DIR, made once and kept in build/.
venv_of() {
	[ -x "$2/bin/python" ] || "$1" -m venv --without-pip "$2" >/dev/null 2>&1
	[ -x "$2/bin/python" ]
}

# absent FILE VERSION: when FILE, a fixture for Python VERSION, cannot be
# used, ends the case opened and is true: SKIP when the machine lacks that
# Python, FAIL when the fixture was not built (make check builds it).
absent() {
	if [ -z "$(pyenv_python "$2")" ]; then t_skip "no Python $2 under $PYENV"; return 0; fi
	if [ ! -f "$1" ]; then t_fail "$1 was not built (make check builds it)"; return 0; fi
	return 1
}
# absent_group NAME FILE VERSION: absent, for a group of cases opened inside
# the if: NAME is a case (its SKIP or FAIL) only when the group cannot run.
absent_group() {
	[ -n "$(pyenv_python "$3")" ] && [ -f "$2" ] && return 1
	t_begin "$1"
	absent "$2" "$3"
}

# expect_mapped_once STATUS VERSION: the last run exited with STATUS and
# mapped exactly one libpythonX.Y, of VERSION.
expect_mapped_once() {
	n=$(grep -c "^mapped: .*/$ONE_LIBPYTHON" "$t_out/out")
	if [ "$n" -ne 1 ]; then t_fail "$n libpythons mapped, expected one"; return; fi
	expect "$1" "^mapped: .*/libpython$2"
}

# --- 1. a plugin for each version ---------------------------------------------

for v in 2.7 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13; do
	py=$(pyenv_python $v)
	plugin=$CB/$v/tst-choose-mod1.so
	if [ -z "$py" ]; then
		t_begin "Python $v: a plugin that names no libpython"
		t_skip "no Python $v under $PYENV"
		continue
	fi
	if [ ! -f "$plugin" ]; then
		t_begin "Python $v: a plugin that names no libpython"
		t_fail "$plugin was not built (make check builds it)"
		continue
	fi
	bin=$(dirname "$py")
	prefix=$("$py" -c 'import sys; print(sys.prefix)')
	full=$("$py" -c 'import sys; print(sys.version.split()[0])')
	want="^VERSION $full prefix=$prefix\$"

	t_begin "Python $v, a plugin that names no libpython: dlopen fails without pypin"
	run env PATH="$bin:$PATH" "$H" "$plugin"
	expect_fail "undefined symbol: _\{0,1\}Py"

	t_begin "Python $v first on PATH: pypin pins Python $v, in its own installation"
	run_pypin env PATH="$bin:$PATH" "$H" "$plugin"
	expect_ok "$want"

	t_begin "PYPIN_PYTHON names Python $v: pypin pins it"
	run_pypin env PYPIN_PYTHON="$py" "$H" "$plugin"
	expect_ok "$want"

	t_begin "VIRTUAL_ENV is a venv of Python $v: pypin pins its base, the venv is the home"
	if [ $v = 2.7 ]; then
		t_skip "Python 2.7 has no venv module"
	elif ! venv_of "$py" "$CB/venv-$v"; then
		t_fail "could not make a venv of $py"
	else
		run_pypin env VIRTUAL_ENV="$CB/venv-$v" "$H" "$plugin"
		expect_ok "^VERSION $full prefix=$CB/venv-$v\$"
	fi
done

P13=$CB/3.13/tst-choose-mod1.so
PY313=$(pyenv_python 3.13)
t_begin "PYO3_PYTHON names Python 3.13: pypin pins it"
if ! absent "$P13" 3.13; then
	run_pypin env PYO3_PYTHON="$PY313" PYPIN_DEBUG=1 "$H" "$P13"
	if out_has "pinned .*/libpython3.13.so.1.0 (loaded, PYO3_PYTHON"; then expect_ok "^VERSION 3.13"
	else t_fail "expected the rule PYO3_PYTHON"; fi
fi

# PYO3_PYTHON without a '/' is a name PyO3 searches for on PATH: here found
# only after Debian's python3, in a directory of its own.
t_begin "PYO3_PYTHON=python3.13, found on PATH after Debian's python3: pypin pins 3.13"
if ! absent "$P13" 3.13; then
	mkdir -p "$t_out/only313"
	ln -s "$PY313" "$t_out/only313/python3.13"
	run_pypin env PYO3_PYTHON=python3.13 PATH="/usr/bin:/bin:$t_out/only313" PYPIN_DEBUG=1 "$H" "$P13"
	if out_has "pinned .*/libpython3.13.so.1.0 (loaded, PYO3_PYTHON"; then expect_ok "^VERSION 3.13"
	else t_fail "expected the rule PYO3_PYTHON"; fi
fi

# A python3 on PATH that is a script (as pyenv's shims are) cannot be read
# for its libpython, and pypin runs no program: it is passed over.
mkdir "$t_out/shims"
printf '#!/bin/sh\nexec /usr/bin/python3 "$@"\n' > "$t_out/shims/python3"
chmod +x "$t_out/shims/python3"
t_begin "a python3 script first on PATH is passed over for the next python3"
run_pypin env PATH="$t_out/shims:/usr/bin:/bin" PYPIN_DEBUG=1 "$H" "$CB/debian/tst-choose-mod1.so"
if out_has "$t_out/shims/python3 is not an ELF executable (a script); passed over" &&
   out_has "pinned $SYSLIBPYTHON (loaded, python3 on PATH"; then expect_ok "^VERSION 3.11"
else t_fail "expected the script passed over and /usr/bin/python3 taken"; fi

# pyenv's shim first on PATH stands for the version pyenv selects, read from
# pyenv's files (PYENV_VERSION, .python-version, the root's version file; the
# shim is never run).  Without this, a pyenv user's plugin got Debian's 3.11.
PYROOT=${PYENV_ROOT:-$HOME/.pyenv}
P10=$CB/3.10/tst-choose-mod1.so
PY310=$(pyenv_python 3.10)
t_begin "pyenv's shim first on PATH, PYENV_VERSION names 3.10: fails without pypin"
if [ ! -x "$PYROOT/shims/python3" ]; then
	t_skip "no pyenv shims in $PYROOT/shims"
elif absent "$P10" 3.10; then
	:
else
	V310=$(basename "$(dirname "$(dirname "$PY310")")")
	W310="^VERSION $("$PY310" -c 'import sys; print(sys.version.split()[0], "prefix=" + sys.prefix)')\$"
	SPATH="$PYROOT/shims:/usr/bin:/bin"
	run env PATH="$SPATH" PYENV_VERSION="$V310" "$H" "$P10"
	expect_fail "undefined symbol: _\{0,1\}Py"
	t_begin "pyenv's shim first on PATH, PYENV_VERSION names 3.10: pypin pins 3.10"
	run_pypin env PATH="$SPATH" PYENV_VERSION="$V310" PYPIN_DEBUG=1 "$H" "$P10"
	if out_has "pinned .*libpython3.10.so.1.0 (loaded, python3\{0,1\} on PATH"; then expect_ok "$W310"
	else t_fail "expected a rule on PATH to pin 3.10"; fi
	t_begin "pyenv's shim first on PATH, a .python-version above the directory names 3.10: pypin pins 3.10"
	mkdir -p "$t_out/project/sub"
	printf '# a comment\n%s\n' "$V310" > "$t_out/project/.python-version"
	(cd "$t_out/project/sub" && run_pypin env -u PYENV_VERSION PATH="$SPATH" "$H" "$P10"
	 echo "$t_rc" > "$t_out/rc")
	t_rc=$(cat "$t_out/rc")
	expect_ok "$W310"
	t_begin "pyenv's shim first on PATH, PYENV_VERSION=system: the next python3 on PATH"
	run_pypin env PATH="$SPATH" PYENV_VERSION=system PYPIN_DEBUG=1 "$H" "$CB/debian/tst-choose-mod1.so"
	if out_has "pinned $SYSLIBPYTHON (loaded, python3 on PATH"; then expect_ok "^VERSION 3.11"
	else t_fail "expected /usr/bin/python3 taken"; fi
	t_begin "pyenv's shim selecting a version not installed: named in the refusal"
	run_pypin env PATH="$SPATH" PYENV_VERSION=0.0-not-installed "$H" "$P13"
	expect_fail "$PYROOT/shims/python3 (python3 on PATH: is pyenv's shim, and no version it selects is installed with it)"
fi

# With nothing pointing at the Python a plugin needs, pypin refuses it rather
# than pin one that lacks a function it calls (the plain loader: "undefined
# symbol", or for an RTLD_LAZY host a kill at the call).
for v in 3.12:PyErr_GetRaisedException 3.13:Py_GetConstant; do
	sym=${v#*:} v=${v%:*}
	plugin=$CB/$v/tst-choose-mod1.so
	t_begin "a plugin that calls $sym, with only Debian's 3.11 in sight"
	if absent "$plugin" $v; then continue; fi
	run env PATH=/usr/bin:/bin "$H" -f lazy "$plugin"
	if ! out_has 'undefined symbol'; then t_fail "without pypin: expected an undefined symbol"
	else
		run_pypin env PATH=/usr/bin:/bin "$H" -f lazy "$plugin"
		expect_fail "pypin: $plugin needs $sym, and no libpython found defines it; tried: .*libpython3.11.so.1.0 (python3 on PATH: is Python 3.11, which lacks $sym)"
	fi
done

# Once Python is pinned, a later plugin that names no libpython is still
# checked: one that needs a function the pinned Python lacks is refused, with
# a message naming it and the pinned Python, rather than left to the loader
# (RTLD_NOW: "undefined symbol"; RTLD_LAZY: the host is killed at the call).
for f in lazy now; do
	t_begin "3.11 pinned by a first plugin, then one that calls Py_GetConstant (RTLD_$f)"
	if absent "$P13" 3.13; then continue; fi
	run env LD_PRELOAD="$SYSLIBPYTHON" "$H" -f $f -k "$BUILD/tst-embed-mod1.so" "$P13"
	if [ $f = lazy ] && ! out_has "symbol lookup error: .*undefined symbol: Py_GetConstant"; then
		t_fail "without pypin (3.11 preloaded): expected the host killed at the call"
	elif [ $f = now ] && ! out_has "failed: .*undefined symbol: Py_GetConstant"; then
		t_fail "without pypin (3.11 preloaded): expected dlopen to fail"
	else
		run_pypin env PATH="$(dirname "$(pyenv_python 3.13)"):$PATH" "$H" -f $f -k \
			"$BUILD/tst-embed-mod1.so" "$P13"
		if out_has "symbol lookup error"; then t_fail "the host was killed"
		else expect_fail "failed: pypin: $P13 needs Py_GetConstant, but this process already runs Python 3.11 (.*libpython3.11.so.1.0), which lacks it"
		fi
	fi
done

t_begin "a plugin for Python 2.7 only, no Python 2 in sight: refused, saying so"
if ! absent "$CB/2.7/tst-choose-mod1.so" 2.7; then
	run env PATH=/usr/bin:/bin "$H" "$CB/2.7/tst-choose-mod1.so"
	if ! out_has 'undefined symbol'; then t_fail "without pypin: expected an undefined symbol"
	else
		run_pypin env PATH=/usr/bin:/bin "$H" "$CB/2.7/tst-choose-mod1.so"
		expect_fail "pypin: $CB/2.7/tst-choose-mod1.so is built for Python 2 (it needs PyString_FromString), and no libpython found serves it; tried: .*is Python 3.11; the library needs Python 2"
	fi
fi

# Debian's 3.11 (a python3.11 with libpython linked in; its shared
# libpython is found by the program's name).
DPLUGIN=$CB/debian/tst-choose-mod1.so
DWANT="^VERSION $(/usr/bin/python3.11 -c 'import sys; print(sys.version.split()[0])') prefix=/usr\$"
t_begin "Debian's python3 first on PATH: dlopen fails without pypin"
run env PATH=/usr/bin:/bin "$H" "$DPLUGIN"
expect_fail "undefined symbol: _\{0,1\}Py"
t_begin "Debian's python3 first on PATH: pypin pins Debian's 3.11"
run_pypin env PATH=/usr/bin:/bin PYPIN_DEBUG=1 "$H" -m "$DPLUGIN"
if out_has "pinned $SYSLIBPYTHON (loaded, python3 on PATH"; then expect_ok "$DWANT"
else t_fail "expected the rule 'python3 on PATH'"; fi
t_begin "PYPIN_PYTHON=/usr/bin/python3.11: pypin pins Debian's 3.11"
run_pypin env PYPIN_PYTHON=/usr/bin/python3.11 "$H" "$DPLUGIN"
expect_ok "$DWANT"

# dlopen may run on a thread with a small stack: the choice keeps its
# PATH_MAX buffers on the heap.  Every function of the files that choose
# takes less than 2 KiB of stack (gcc's -fstack-usage).
t_begin "the choice keeps no PATH_MAX buffer on the stack"
if ! command -v "${CC:-cc}" >/dev/null; then
	t_skip "no C compiler"
elif ! (cd "$t_out" && ${CC:-cc} -D_GNU_SOURCE -DPYPIN_CONFIG_FILE='"/etc/pypin.conf"' \
	-iquote "$TOP/lib" -std=gnu11 -O1 -fstack-usage \
	-c "$TOP/lib/choose.c" "$TOP/lib/libpython.c" "$TOP/lib/pin.c") > "$t_out/out" 2>&1; then
	t_fail "could not compile with -fstack-usage"
else
	big=$(cat "$t_out"/*.su | awk -F '\t' '$2 >= 2048 { print $1 " " $2 }')
	if [ -n "$big" ]; then t_fail "more than 2 KiB of stack: $big"; else t_pass; fi
fi

# --- 2. numpy from a venv of another Python than the default -------------------

PY312=$(pyenv_python 3.12)
NPVENV=$CB/numpy-3.12
NUMPY_CODE='import numpy, sys; print("NUMPY %s sum=%d prefix=%s" % (numpy.__version__, numpy.arange(5).sum(), sys.prefix))'
if [ -n "$PY312" ] && [ ! -x "$NPVENV/bin/pip" ] && [ -x "$NPVENV/bin/python" ]; then rm -rf "$NPVENV"; fi
if [ -n "$PY312" ] && [ ! -d "$NPVENV/lib/python3.12/site-packages/numpy" ]; then
	"$PY312" -m venv "$NPVENV" >/dev/null 2>&1 &&
		timeout 600 "$NPVENV/bin/python" -m pip install -q --disable-pip-version-check numpy >/dev/null 2>&1
fi
if [ -z "$PY312" ]; then
	t_begin "numpy in a 3.12 venv"
	t_skip "no Python 3.12 under $PYENV"
elif [ ! -d "$NPVENV/lib/python3.12/site-packages/numpy" ]; then
	t_begin "numpy in a 3.12 venv"
	t_skip "numpy could not be installed from PyPI into $NPVENV"
else
	P312=$CB/3.12/tst-choose-mod1.so
	t_begin "numpy in a 3.12 venv (VIRTUAL_ENV): fails without pypin"
	run env VIRTUAL_ENV="$NPVENV" TST_CODE="$NUMPY_CODE" "$H" "$P312"
	expect_fail "undefined symbol: _\{0,1\}Py"
	t_begin "numpy in a 3.12 venv (VIRTUAL_ENV): 3.12 pinned, numpy imports"
	run_pypin env VIRTUAL_ENV="$NPVENV" TST_CODE="$NUMPY_CODE" "$H" "$P312"
	expect_ok "^NUMPY [0-9.]* sum=10 prefix=$NPVENV\$"
	t_begin "numpy in a 3.12 venv (PYPIN_PYTHON): 3.12 pinned, numpy imports"
	run_pypin env PYPIN_PYTHON="$NPVENV/bin/python" TST_CODE="$NUMPY_CODE" "$H" "$P312"
	expect_ok "^NUMPY [0-9.]* sum=10 prefix=$NPVENV\$"
	t_begin "numpy in a 3.12 venv, its bin first on PATH: 3.12 pinned, numpy imports"
	run_pypin env PATH="$NPVENV/bin:$PATH" TST_CODE="$NUMPY_CODE" "$H" "$P312"
	expect_ok "^NUMPY [0-9.]* sum=10 prefix=$NPVENV\$"
fi

# --- 3. a stable-ABI plugin gets one libpython ---------------------------------

ABI3=$CB/abi3/tst-choose-abi3-mod1.so
CTYPES_CODE='import _ctypes, sys; print("VERSION %s" % sys.version.split()[0])'
if [ -f "$ABI3" ]; then
	t_begin "abi3 plugin with a RUNPATH into 3.12: C extension modules fail without pypin"
	run env TST_CODE="$CTYPES_CODE" "$H" "$ABI3"
	expect_fail "undefined symbol: _\{0,1\}Py"
	t_begin "abi3 plugin with a RUNPATH into 3.12: pypin pins 3.12, one libpython mapped"
	run_pypin env TST_CODE="$CTYPES_CODE" "$H" -m "$ABI3"
	if out_has '^VERSION 3\.12'; then expect_mapped_once 0 3.12; else t_fail "expected 3.12"; fi
	t_begin "abi3 plugin, Debian's 3.11 preloaded crudely: a second libpython is mapped"
	run env LD_PRELOAD="$SYSLIBPYTHON" "$H" -e none -k -m "$ABI3"
	if [ "$(grep -c "^mapped: .*/$ONE_LIBPYTHON" "$t_out/out")" -eq 2 ]; then t_pass
	else t_fail "expected two libpythons"; fi
	t_begin "abi3 plugin, Debian's 3.11 pinned (it has no shim): refused, one libpython"
	run_pypin env PYPIN_LIBPYTHON="$SYSLIBPYTHON" "$H" -e none -k -m "$ABI3"
	if out_has "pypin: $ABI3 needs libpython3.so, whose .*/libpython3.so would map .*libpython3.12.so.1.0 as a second libpython beside Python 3.11"; then
		expect_mapped_once 1 3.11
	else
		t_fail "expected a refusal naming the second libpython"
	fi
	# Another installation pinned, one that has a shim: pypin loads that
	# shim first, so the plugin's own (3.12's) maps no second libpython.
	if ! absent_group "abi3 plugin with a RUNPATH into 3.12, PYPIN_PYTHON names 3.13" "$P13" 3.13; then
		LIB313=$(dirname "$PY313")/../lib/libpython3.13.so.1.0
		t_begin "abi3 plugin with a RUNPATH into 3.12, 3.13 preloaded crudely: a second libpython is mapped"
		run env LD_PRELOAD="$LIB313" "$H" -e none -k -m "$ABI3"
		if [ "$(grep -c "^mapped: .*/$ONE_LIBPYTHON" "$t_out/out")" -eq 2 ]; then t_pass
		else t_fail "expected two libpythons"; fi
		t_begin "abi3 plugin with a RUNPATH into 3.12, PYPIN_PYTHON names 3.13: its shim first, one libpython"
		run_pypin env PYPIN_PYTHON="$PY313" TST_CODE="$CTYPES_CODE" "$H" -k -m "$ABI3"
		if out_has '^VERSION 3\.13'; then expect_mapped_once 0 3.13; else t_fail "expected 3.13"; fi
	fi
else
	t_begin "abi3 plugin with a RUNPATH into 3.12"
	absent "$ABI3" 3.12
fi

# An abi3 plugin with no RUNPATH whose libpython3.so the loader finds by its
# own search: an altinstall of 3.12 in /usr/local/lib, listed in ld.so.cache.
# Made in a private mount namespace (a tmpfs on /usr/local/lib, a cache
# written by ldconfig -C to a file of this test's, bind-mounted over
# /etc/ld.so.cache there): the real system is not touched.
BARE=$CB/abi3-bare/tst-choose-abi3-mod1.so
# in_cache_ns CMD...: runs CMD (as run does) in that namespace.
in_cache_ns() {
	run unshare -m --propagation private sh -c '
		lib=$1 cache=$2; shift 2
		mount -t tmpfs pypin-test-lib /usr/local/lib &&
		mount -t tmpfs pypin-test-aux /var/cache/ldconfig &&
		cp "$lib/libpython3.so" "$lib/libpython3.12.so.1.0" /usr/local/lib/ &&
		ldconfig -X -C "$cache" && mount --bind "$cache" /etc/ld.so.cache ||
			{ echo "NAMESPACE FAILED"; exit 99; }
		exec "$@"' sh "$(dirname "$PY312")/../lib" "$t_out/ld.so.cache" "$@"
}
if absent_group "abi3 plugin, libpython3.so found through ld.so.cache" "$BARE" 3.12; then
	:
elif [ "$(id -u)" != 0 ] || ! unshare -m --propagation private true 2>/dev/null; then
	t_begin "abi3 plugin, libpython3.so found through ld.so.cache"
	t_skip "needs root and unshare -m, for a private mount namespace"
else
	t_begin "abi3 plugin, libpython3.so found through ld.so.cache: C extension modules fail without pypin"
	in_cache_ns env PATH=/usr/bin:/bin TST_CODE="$CTYPES_CODE" "$H" -k -m "$BARE"
	if out_has "NAMESPACE FAILED"; then t_fail "could not make the namespace"
	elif ! out_has "^mapped: .*libpython3.12.so.1.0"; then t_fail "without pypin: expected 3.12 mapped"
	else expect_fail "undefined symbol: _\{0,1\}Py"
	fi
	t_begin "abi3 plugin, libpython3.so found through ld.so.cache: pypin pins 3.12, one libpython"
	in_cache_ns env LD_PRELOAD="$LIBPYPIN" PATH=/usr/bin:/bin TST_CODE="$CTYPES_CODE" \
		"$H" -k -m "$BARE"
	if out_has '^VERSION 3\.12'; then expect_mapped_once 0 3.12; else t_fail "expected 3.12"; fi
	t_begin "explain: the abi3 plugin's libpython3.so, found through ld.so.cache, chooses"
	in_cache_ns env PATH=/usr/bin:/bin "$TOP/tools/pypin-inspect" explain "$BARE"
	expect 0 "pypin would pin:   .*/libpython3.12.so.1.0 (Python 3.12; the library's libpython3.so)"
fi

# --- 4. the interpreter's home ---------------------------------------------------

PREFIX_CODE='import sys; print("VERSION %s prefix=%s" % (sys.version.split()[0], sys.prefix))'
FOREIGN=$BUILD/foreign-venv         # a venv of Debian's 3.11 (tests.mk)
t_begin "an activated venv of the pinned installation is the home: fails without pypin"
run env VIRTUAL_ENV="$FOREIGN" PATH="$FOREIGN/bin:$PATH" "$H" "$DPLUGIN"
expect_fail "undefined symbol: _\{0,1\}Py"
t_begin "an activated venv of the pinned installation is the home"
run_pypin env VIRTUAL_ENV="$FOREIGN" PATH="$FOREIGN/bin:$PATH" TST_CODE="$PREFIX_CODE" "$H" "$DPLUGIN"
expect_ok "^VERSION 3.11.* prefix=$FOREIGN\$"

PY311=$(pyenv_python 3.11)
if [ -z "$PY312" ]; then
	t_begin "a venv of another version than the pinned one"
	t_skip "no Python 3.12 under $PYENV"
elif ! venv_of "$PY312" "$CB/venv-3.12"; then
	t_begin "a venv of another version than the pinned one"
	t_fail "could not make a venv of $PY312 at $CB/venv-3.12"
else
	V12=$CB/venv-3.12
	t_begin "a venv of 3.12 first on PATH, a plugin linked to 3.11: without pypin, the venv is its home"
	run env VIRTUAL_ENV="$V12" PATH="$V12/bin:$PATH" TST_CODE="$PREFIX_CODE" "$H" "$BUILD/tst-embed-mod1.so"
	if out_has "prefix=/usr\$"; then t_fail "expected another home than /usr"; else t_pass; fi
	t_begin "a venv of 3.12 first on PATH, 3.11 pinned: not the home"
	run_pypin env VIRTUAL_ENV="$V12" PATH="$V12/bin:$PATH" TST_CODE="$PREFIX_CODE" "$H" "$BUILD/tst-embed-mod1.so"
	expect_ok "^VERSION 3.11.* prefix=/usr\$"
	t_begin "PYPIN_PYTHON names a 3.12 venv, 3.11 pinned: a warning naming both, not the home"
	run_pypin env PYPIN_PYTHON="$V12/bin/python" TST_CODE="$PREFIX_CODE" "$H" "$BUILD/tst-embed-mod1.so"
	expect_ok "^VERSION 3.11.* prefix=/usr\$" \
		"warning: PYPIN_PYTHON $V12/bin/python runs Python 3.12 (.*libpython3.12.so.1.0), not Python 3.11, which is pinned"
fi

if [ -z "$PY311" ]; then
	t_begin "a host linked to libpython keeps its home"
	t_skip "no Python 3.11 under $PYENV"
elif ! venv_of "$PY311" "$CB/venv-3.11"; then
	t_begin "a host linked to libpython keeps its home"
	t_fail "could not make a venv of $PY311 at $CB/venv-3.11"
else
	V11=$CB/venv-3.11
	t_begin "a host linked to libpython, another 3.11's venv first on PATH: the plain loader's home"
	run env PATH="$V11/bin:$PATH" TST_CODE="$PREFIX_CODE" "$BUILD/host-pylinked" "$DPLUGIN"
	expect_ok "prefix=$V11\$"
	t_begin "a host linked to libpython, another 3.11's venv first on PATH: pypin sets nothing"
	run_pypin env PATH="$V11/bin:$PATH" TST_CODE="$PREFIX_CODE" "$BUILD/host-pylinked" "$DPLUGIN"
	expect_ok "prefix=$V11\$"
fi

OLD=$BUILD/oldpy/tst-embed-mod1.so
PY39=$(pyenv_python 3.9)
if ! absent_group "Python before 3.10, a venv of another installation first on PATH" "$OLD" 3.9; then
	t_begin "Python before 3.10, a venv of another installation first on PATH: its home without pypin"
	run env PATH="$FOREIGN/bin:$PATH" TST_CODE="$PREFIX_CODE" "$H" "$OLD"
	if out_has "prefix=$("$PY39" -c 'import sys; print(sys.prefix)')\$"; then t_fail "expected the venv's home"
	else t_pass; fi
	t_begin "Python before 3.10, a venv of another installation first on PATH: pypin gives its own"
	run_pypin env PATH="$FOREIGN/bin:$PATH" TST_CODE="$PREFIX_CODE" "$H" "$OLD"
	expect_ok "prefix=$("$PY39" -c 'import sys; print(sys.prefix)')\$"
fi

# --- 5. two installations of one soname --------------------------------------------

TWIN=$CB/pyenv-3.11/tst-embed-mod1.so
if ! absent_group "two installations of one soname" "$TWIN" 3.11; then
	T11=$(dirname "$PY311")/../lib/libpython3.11.so.1.0
	T11=$(cd "$(dirname "$T11")" && pwd)/libpython3.11.so.1.0
	t_begin "a plugin built against pyenv's 3.11: the plain loader maps that one"
	run "$H" -f lazy -e none -k -m "$TWIN"
	expect_ok "^mapped: $T11\$"
	t_begin "the same plugin with Debian's 3.11 pinned: the debug line names both files"
	run_pypin env PYPIN_LIBPYTHON="$SYSLIBPYTHON" PYPIN_DEBUG=1 "$H" -f lazy -e none -k -m "$TWIN"
	if out_has "the loader would load $T11 for it, another installation with the same soname: .*libpython3.11.so.1.0 serves it (PYPIN_LIBPYTHON chooses)"; then
		expect_mapped_once 0 3.11
	else
		t_fail "expected the debug line to name both files"
	fi
fi

# --- 6. pypin explain and pypin check ---------------------------------------------

INSPECT=$TOP/tools/pypin-inspect
if ! absent_group "explain and check, a plugin for 3.13" "$P13" 3.13; then
	B13=$(dirname "$(pyenv_python 3.13)")
	t_begin "explain, no 3.13 in sight: nothing fits, the candidates passed over and why"
	run env PATH=/usr/bin:/bin "$INSPECT" explain "$P13"
	expect 0 "pypin would pin:   nothing fits: dlopen is refused (pypin: $P13 needs Py_GetConstant" \
		"passed over:       .*libpython3.11.so.1.0 (python3 on PATH): is Python 3.11, which lacks Py_GetConstant"
	t_begin "explain, 3.13 first on PATH: the rule that chose"
	run env PATH="$B13:$PATH" "$INSPECT" explain "$P13"
	expect 0 "pypin would pin:   .*/libpython3.13.so.1.0 (Python 3.13; python on PATH)"
	t_begin "check, no 3.13 in sight: the hint names the missing function"
	run env PATH=/usr/bin:/bin "$INSPECT" check --lib "$LIBPYPIN" "$P13"
	expect 1 "^without pypin: FAILED" "^with pypin:    FAILED" \
		"^hint: the plugin needs Py_GetConstant, which no Python pypin found defines"
	t_begin "check, 3.13 first on PATH: works with pypin"
	run env PATH="$B13:$PATH" "$INSPECT" check --lib "$LIBPYPIN" "$P13"
	expect 0 "^without pypin: FAILED" "^with pypin:    ok" "Python 3.13"
	t_begin "check stops a trial that hangs, and says so"
	run env PATH="$B13:$PATH" TST_HANG=1 "$INSPECT" check --lib "$LIBPYPIN" --timeout 2 "$P13"
	expect 1 "did not finish within 2 s, and was stopped: it hung" \
		"^hint: the trial with pypin hung and was stopped at the time limit"
fi
P37=$CB/3.7/tst-choose-mod1.so
t_begin "explain names Python 3.7 without its ABI flag"
if ! absent "$P37" 3.7; then
	run env PATH="$(dirname "$(pyenv_python 3.7)"):$PATH" "$INSPECT" explain "$P37"
	expect 0 "pypin would pin:   .*/libpython3.7m.so.1.0 (Python 3.7; python on PATH)"
fi
t_begin "explain warns when an abi3 plugin would map a second libpython"
if ! absent "$ABI3" 3.12; then
	run env PYPIN_LIBPYTHON="$SYSLIBPYTHON" "$INSPECT" explain "$ABI3"
	expect 0 "warning:           its .*/libpython3.so would map .*/libpython3.12.so.1.0 as a second libpython beside $SYSLIBPYTHON"
	t_begin "check of that plugin: no hang; the hint names the second libpython"
	run env PYPIN_LIBPYTHON="$SYSLIBPYTHON" "$INSPECT" check --lib "$LIBPYPIN" "$ABI3"
	expect 1 "^with pypin:    FAILED" "^hint: the plugin's libpython3.so belongs to another installation"
fi
t_begin "explain: two installations of one soname"
if ! absent "$TWIN" 3.11; then
	run "$INSPECT" explain "$TWIN"
	expect 0 "same soname:       it was built against $T11 (the loader would load it); .*libpython3.11.so.1.0, another installation of libpython3.11.so.1.0, serves it"
fi
P27=$CB/2.7/tst-choose-mod1.so
t_begin "check with Python 2.7: fails without pypin, works with it"
if ! absent "$P27" 2.7; then
	run env PATH="$(dirname "$(pyenv_python 2.7)"):$PATH" "$INSPECT" check --lib "$LIBPYPIN" "$P27"
	expect 0 "^without pypin: FAILED" "^with pypin:    ok" "Python 2.7"
fi

t_end
