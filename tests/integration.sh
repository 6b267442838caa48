#!/bin/sh
# Integration tests: small real hosts load real plugins, with and without pypin.
# Every case that shows pypin fixing something first shows the same case
# failing without it, so that no case can pass vacuously.
. "$(dirname "$0")/lib.sh"

H=$BUILD/host
EMBED=$BUILD/tst-embed-mod1.so
RESULT="RESULT numpy=55 pandas=\[('a', 4), ('b', 2)\] decimal=0.3 json={\"x\": \[1, 2\]} ctypes=7 prefix=/usr"
SYSLIBPYTHON=$(/usr/bin/python3.11 -c 'import sysconfig as s, os; print(os.path.join(s.get_config_var("LIBDIR"), s.get_config_var("INSTSONAME")))')

# --- 1. plugins that list libpython ------------------------------------------

for flags in now lazy "now deepbind"; do
	f=$(printf -- '-f %s ' $flags)
	t_begin "DT_NEEDED libpython, RTLD_LOCAL|$flags: fails without pypin"
	run "$H" $f "$EMBED"
	if out_has 'undefined symbol: Py' && ! out_has '^RESULT'; then t_pass; else t_fail "expected an undefined Py symbol"; fi
	t_begin "DT_NEEDED libpython, RTLD_LOCAL|$flags: works with pypin"
	run_pypin "$H" $f "$EMBED"
	expect_ok "$RESULT"
done

t_begin "Python started in the plugin's constructor: fails without pypin"
run "$H" "$BUILD/tst-embed-ctor-mod1.so"
if out_has 'undefined symbol: Py' && out_has 'constructor: plugin_run returned 1'; then t_pass; else t_fail "expected the constructor to fail"; fi
t_begin "Python started in the plugin's constructor: works with pypin"
run_pypin "$H" "$BUILD/tst-embed-ctor-mod1.so"
expect 0 'constructor: plugin_run returned 0' "$RESULT"

# --- 2. plugins that only need the symbols ------------------------------------

NOLINK=$BUILD/tst-embed-nolink-mod1.so
t_begin "undefined Py symbols, no libpython: dlopen fails without pypin"
run "$H" "$NOLINK"
expect_fail "undefined symbol: _\{0,1\}Py"
t_begin "undefined Py symbols, no libpython: works with pypin (default libpython)"
run_pypin env PYPIN_DEBUG=1 "$H" "$NOLINK"
expect_ok "$RESULT"
t_begin "undefined Py symbols: PYPIN_LIBPYTHON names the libpython"
run_pypin env PYPIN_DEBUG=1 PYPIN_LIBPYTHON="$SYSLIBPYTHON" "$H" "$NOLINK"
expect 0 "pinned $SYSLIBPYTHON (loaded, PYPIN_LIBPYTHON" "$RESULT"
t_begin "undefined Py symbols: PYPIN_LIBPYTHON of another version is passed over"
run_pypin env PYPIN_DEBUG=1 PYPIN_LIBPYTHON="$BUILD/fake/libpython3.99.so.1.0" "$H" "$EMBED"
expect 0 'is Python 3.99, not 3.11; passed over' "$RESULT"

SHIM=$BUILD/tst-embed-shim-mod1.so
t_begin "stable-ABI shim libpython3.so only: fails without pypin"
run "$H" "$SHIM"
if out_has 'undefined symbol: Py' && ! out_has '^RESULT'; then t_pass; else t_fail "expected an undefined Py symbol"; fi
t_begin "stable-ABI shim libpython3.so only: works with pypin"
run_pypin "$H" "$SHIM"
expect_ok "$RESULT"

# --- 3. one interpreter, pinned ----------------------------------------------

t_begin "dlclose: libpython is unmapped without pypin"
run "$H" -e none -m "$EMBED"
expect_ok 'mapped: no libpython'
t_begin "dlclose: libpython stays pinned with pypin, and serves the next load"
run_pypin "$H" -n 3 -m "$EMBED"
if [ "$(grep -c '^RESULT' "$t_out/out")" -eq 3 ]; then expect_ok "mapped: $SYSLIBPYTHON"; else t_fail "expected 3 results"; fi

t_begin "Python linked into the host: pypin loads nothing"
run_pypin env PYPIN_DEBUG=1 "$BUILD/host-pylinked" -m "$NOLINK"
expect 0 'already mapped' "$RESULT"
t_begin "Python linked statically into the executable: pypin loads nothing"
run_pypin env PYPIN_DEBUG=1 /usr/bin/python3.11 -c "import ctypes; ctypes.CDLL('$BUILD/tst-weak-mod1.so'); ctypes.CDLL('$NOLINK').plugin_run()"
if out_has 'present, already in the process' && ! out_has 'loaded,'; then t_pass; else t_fail "expected Python to be found in the process"; fi

t_begin "host dlopens libpython itself RTLD_LOCAL: a plugin's Py symbols stay unresolved"
run "$H" -e none -k "$SYSLIBPYTHON" "$NOLINK"
expect_fail "undefined symbol: _\{0,1\}Py"
t_begin "host dlopens libpython itself RTLD_LOCAL: pypin makes that same libpython global"
run_pypin env PYPIN_DEBUG=1 "$H" -e none -k -m "$SYSLIBPYTHON" "$NOLINK"
if out_has "is libpython3.11.so.1.0; pinned $SYSLIBPYTHON (loaded, the library opened" &&
   [ "$(grep -c '^mapped: ' "$t_out/out")" -eq 1 ]; then expect_ok; else t_fail "expected the host's libpython to be pinned"; fi

CONFLICT=$BUILD/tst-conflict-mod1.so
t_begin "another Python version: without pypin both libpythons get mapped"
run "$H" -e none -k -m "$EMBED" "$CONFLICT"
if out_has 'libpython3.99' && out_has 'libpython3.11'; then t_pass; else t_fail "expected two libpythons"; fi
t_begin "another Python version: refused with pypin, dlerror names both"
run_pypin "$H" -e none -k -m "$EMBED" "$CONFLICT"
if out_has "dlopen $CONFLICT failed: pypin: $CONFLICT needs libpython3.99.so.1.0, but this process already runs Python 3.11 (.*/libpython3.11.so.1.0); one interpreter per process" &&
   ! out_has 'mapped: .*libpython3.99'; then t_pass; else t_fail "expected a refusal"; fi

# Which libpython3.11.so.1.0 a plugin's DT_NEEDED gets: pypin must pin the one
# the loader would load.  The plugin is loaded lazily and not run, so that
# another file of that name (build/hostile/) can stand in for it.
OTHER=$BUILD/hostile/libpython3.11.so.1.0
mapped_as_plain() {  # mapped_as_plain WANT HOST...: the same libpython both ways
	want=$1
	shift
	run "$@" -f lazy -e none -k -m "$EMBED"
	if ! out_has "^mapped: $want\$"; then t_fail "without pypin: not $want"; return; fi
	run_pypin "$@" -f lazy -e none -k -m "$EMBED"
	if [ "$(grep -c '^mapped: ' "$t_out/out")" -eq 1 ]; then expect_ok "^mapped: $want\$"
	else t_fail "expected only $want mapped"; fi
}
t_begin "the libpython the host's DT_RPATH finds for its plugin's DT_NEEDED"
mapped_as_plain "$OTHER" "$BUILD/rpath/host"
t_begin "the libpython LD_LIBRARY_PATH (set at start-up) finds"
mapped_as_plain "$OTHER" env LD_LIBRARY_PATH="$BUILD/hostile" "$H"
t_begin "LD_LIBRARY_PATH set after start-up does not count, as for the loader"
mapped_as_plain "$(readlink -f "$SYSLIBPYTHON")" "$H" -E LD_LIBRARY_PATH="$BUILD/hostile"
t_begin "a plugin opened through a library: that library's DT_RPATH does not count"
mapped_as_plain "$(readlink -f "$SYSLIBPYTHON")" "$H" -V "$BUILD/tst-via-mod1.so"
t_begin "\$PLATFORM and \$LIB in a plugin's RUNPATH, expanded as the loader does"
EMBED_SAVED=$EMBED EMBED=$BUILD/tst-embed-dst-mod1.so
mapped_as_plain "$BUILD/dst/.*/libpython3.11.so.1.0" "$H"
# LD_LIBRARY_PATH comes before the plugin's RUNPATH (the system's directory),
# with the loader's separators (: and ;) and an empty element for the current
# directory.
EMBED=$BUILD/tst-embed-rp-mod1.so
t_begin "LD_LIBRARY_PATH before the plugin's RUNPATH, split at ;"
mapped_as_plain "$OTHER" env LD_LIBRARY_PATH="/nonexistent;$BUILD/hostile" "$H"
t_begin "LD_LIBRARY_PATH: an empty element is the current directory"
mapped_as_plain "$OTHER" env -C "$BUILD/hostile" LD_LIBRARY_PATH=":/nonexistent" "$H"
EMBED=$EMBED_SAVED

# What the loader will not load, pypin must not pin: a plugin linked
# -z nodefaultlib finds no libpython outside its own paths; no libpython has
# the soname libpython3.11.so.7.
same_failure() {  # same_failure LIB: plain and pypin fail alike, nothing mapped
	run "$H" -f lazy -e none -k -m "$1"
	cp "$t_out/out" "$t_out/plain"
	run_pypin "$H" -f lazy -e none -k -m "$1"
	if [ "$t_rc" -ne 0 ] && cmp -s "$t_out/plain" "$t_out/out" && out_has '^mapped: no libpython$'
	then t_pass; else t_fail "differs from the plain loader, or a libpython was mapped"; fi
}
t_begin "a plugin linked -z nodefaultlib: no libpython pinned, the loader's error"
same_failure "$BUILD/tst-embed-nodeflib-mod1.so"
t_begin "a plugin needing libpython3.11.so.7: the default is no stand-in for it"
same_failure "$BUILD/tst-soname7-mod1.so"

t_begin "a libpython that cannot be found: the same error as the plain loader"
run "$H" "$BUILD/tst-missing-mod1.so"
cp "$t_out/out" "$t_out/plain"
run_pypin "$H" "$BUILD/tst-missing-mod1.so"
if [ "$t_rc" -ne 0 ] && cmp -s "$t_out/plain" "$t_out/out" && out_has 'libpython3.98.so.1.0: cannot open shared object file'; then t_pass; else t_fail "differs from the plain loader"; fi

t_begin "a plugin after one whose libpython is missing: fails without pypin"
run "$H" "$BUILD/tst-missing-mod1.so" "$NOLINK"
expect_fail "tst-embed-nolink-mod1.so: undefined symbol"
t_begin "a plugin after one whose libpython is missing: pypin pins for it"
run_pypin "$H" "$BUILD/tst-missing-mod1.so" "$NOLINK"
if out_has 'libpython3.98.so.1.0: cannot open shared object file' && out_has "$RESULT"; then t_pass; else t_fail "expected the second plugin to work"; fi

# --- 4. transparent for everything else ----------------------------------------

t_begin "corner cases: dlopen(NULL), \"\", RTLD_NOLOAD, bad mode, missing files, errno, dlerror"
run "$H" -p "$BUILD/tst-plain-mod1.so"
cp "$t_out/out" "$t_out/plain"
run_pypin "$H" -p "$BUILD/tst-plain-mod1.so"
if [ "$t_rc" -eq 0 ] && cmp -s "$t_out/plain" "$t_out/out"; then t_pass; else
	diff "$t_out/plain" "$t_out/out" > "$t_out/diff"; mv "$t_out/diff" "$t_out/out"; t_fail "differs from the plain loader"; fi

t_begin "the same corner cases for a plugin that needs Python"
run "$H" -p "$NOLINK"
sed 's/^\(lib[^:]*\|noload-present\|after-failed-dlsym\): .*/\1: (differs by design)/' "$t_out/out" > "$t_out/plain"
run_pypin "$H" -p "$NOLINK"
sed -i 's/^\(lib[^:]*\|noload-present\|after-failed-dlsym\): .*/\1: (differs by design)/' "$t_out/out"
if cmp -s "$t_out/plain" "$t_out/out"; then t_pass; else t_fail "differs from the plain loader"; fi

RP=$BUILD/runpath
t_begin "bare names through the host's RUNPATH (\$ORIGIN): without pypin"
run "$RP/host" tst-runpath-mod1.so tst-runpath-mod2.so
if out_has 'tst-runpath-mod1.so: plugin_run returned 0' && out_has 'undefined symbol: Py'; then t_pass; else t_fail "expected mod1 to load and mod2's Python to fail"; fi
t_begin "bare names through the host's RUNPATH (\$ORIGIN): with pypin"
run_pypin "$RP/host" tst-runpath-mod1.so tst-runpath-mod2.so
expect 0 'tst-runpath-mod1.so: plugin_run returned 0' "$RESULT"

# A plain library loaded by path, with the file name of an extension-module
# style plugin that a bare name then finds through the host's RUNPATH: the
# loader loads that plugin too, so pypin must inspect it.
mkdir -p "$t_out/rp/plugins" "$t_out/elsewhere"
cp "$RP/host" "$t_out/rp/host"
cp "$NOLINK" "$t_out/rp/plugins/tst-same-name.so"
cp "$BUILD/tst-plain-mod1.so" "$t_out/elsewhere/tst-same-name.so"
t_begin "a bare name is not an object of the same file name elsewhere: without pypin"
run "$t_out/rp/host" -k "$t_out/elsewhere/tst-same-name.so" tst-same-name.so
expect_fail 'undefined symbol: _\{0,1\}Py'
t_begin "a bare name is not an object of the same file name elsewhere: with pypin"
run_pypin "$t_out/rp/host" -k "$t_out/elsewhere/tst-same-name.so" tst-same-name.so
expect_ok "$RESULT"

t_begin "a library that needs no Python is not altered (weak Py reference stays unbound)"
run_pypin env PYPIN_DEBUG=1 "$H" "$BUILD/tst-weak-mod1.so"
expect 0 'needs no Python; passed through' 'plugin_run returned 0'

# --- 5. threads ----------------------------------------------------------------

# pypin reads the soname of every loaded object for a bare name not loaded yet.
t_begin "libraries loaded below their link address, then a bare name: as without pypin"
case $T_WRAPPER in
*valgrind*)
	t_skip "valgrind's own ELF reader aborts on such a library (without pypin too)" ;;
*)
	run "$H" -k "$BUILD/high/tst-high-mod1.so" "$BUILD/high/tst-high-mod2.so" libpypin-test-none.so
	cp "$t_out/out" "$t_out/plain"
	run_pypin "$H" -k "$BUILD/high/tst-high-mod1.so" "$BUILD/high/tst-high-mod2.so" libpypin-test-none.so
	if [ "$t_rc" -eq 1 ] && cmp -s "$t_out/plain" "$t_out/out"; then t_pass
	else t_fail "status $t_rc, or differs from the plain loader"; fi ;;
esac

t_begin "a refused thread exits; a later destructor's dlerror() still gets a message"
run_pypin env MALLOC_PERTURB_=165 "$BUILD/refuse-exit" "$BUILD/tst-plain-mod1.so" "$EMBED" "$CONFLICT"
expect 0 '^refused$' '^dlerror after thread exit: pypin: .*one interpreter per process$'

t_begin "dlopen nested in a constructor: fails without pypin"
run env TST_NESTED="$NOLINK" "$H" "$BUILD/tst-ctor-mod1.so"
expect_ok 'nested dlopen .* failed: .*undefined symbol'
t_begin "dlopen nested in a constructor: works with pypin"
run_pypin env TST_NESTED="$NOLINK" "$H" "$BUILD/tst-ctor-mod1.so"
expect 0 'nested: plugin_run returned 0' "$RESULT"

t_begin "dlopen on another thread while a constructor runs: fails without pypin"
run env TST_NESTED="$EMBED" "$H" -s "$BUILD/tst-ctor-mod1.so" "$NOLINK"
expect_fail 'undefined symbol'
t_begin "dlopen on another thread while a constructor runs: works with pypin"
run_pypin env TST_NESTED="$EMBED" "$H" -s "$BUILD/tst-ctor-mod1.so" "$NOLINK"
if [ "$(grep -c '^RESULT' "$t_out/out")" -eq 2 ]; then expect_ok 'nested: plugin_run returned 0'; else t_fail "expected 2 results"; fi

# pypin's static TLS comes out of every thread's stack, and its frames out of
# the caller's: a 16 KiB stack (the least pthreads gives) that holds the plain
# loader must hold pypin too.
for lib in "$BUILD/tst-plain-mod1.so" "$EMBED"; do
	t_begin "a thread with a 16 KiB stack loads ${lib##*/}: without pypin"
	run "$H" -S 16 -f lazy -e none "$lib"
	expect_ok
	t_begin "a thread with a 16 KiB stack loads ${lib##*/}: with pypin"
	run_pypin "$H" -S 16 -f lazy -e none "$lib"
	expect_ok
done

for lib in "$BUILD/tst-plain-mod2.so" "$NOLINK"; do
	t_begin "a thread with a cancellation pending loads ${lib##*/}: without pypin"
	run "$H" -C -f lazy -e none "$lib"
	expect_ok '^loaded with a cancellation pending$'
	t_begin "a thread with a cancellation pending loads ${lib##*/}: with pypin"
	run_pypin "$H" -C -f lazy -e none "$lib"
	expect_ok '^loaded with a cancellation pending$'
done

t_begin "8 threads load and unload plugins at once: fails without pypin"
run env TST_CODE='import numpy, _json' "$H" -t 8 -n 25 "$BUILD/tst-plain-mod1.so" "$NOLINK" "$BUILD/tst-plain-mod2.so"
expect_fail 'threads: [1-9][0-9]* errors'
t_begin "8 threads load and unload plugins at once: no errors with pypin"
run_pypin env TST_CODE='import numpy, _json' "$H" -t 8 -n 25 -m "$BUILD/tst-plain-mod1.so" "$NOLINK" "$BUILD/tst-plain-mod2.so"
if [ "$(grep -c '^mapped: .*libpython' "$t_out/out")" -eq 1 ]; then expect_ok 'threads: 0 errors'; else t_fail "expected exactly one libpython mapped"; fi

# --- 6. interpreter home ---------------------------------------------------------

VENV=$BUILD/foreign-venv
HOME_CODE='import sys; print("prefix=" + sys.prefix); import numpy; print("numpy ok")'
# $VENV is a venv of the pinned installation: first on PATH, it is the home
# with pypin as without (docs/HOW-IT-DECIDES.md); tests/choose.sh and the pyo3
# suite have venvs of other installations, which pypin passes over.
t_begin "a venv of the pinned installation first on PATH: the crude preload runs with its prefix"
run env PATH="$VENV/bin:$PATH" LD_PRELOAD="$SYSLIBPYTHON" TST_CODE="$HOME_CODE" "$H" "$EMBED"
if out_has "prefix=$VENV" && out_has "No module named 'numpy'"; then t_pass; else t_fail "expected the venv's prefix and no numpy"; fi
t_begin "a venv of the pinned installation first on PATH: pypin takes it as the home"
run_pypin env PATH="$VENV/bin:$PATH" TST_CODE='import sys; print("prefix=" + sys.prefix)' "$H" "$EMBED"
expect_ok "^prefix=$VENV\$"
t_begin "PYPIN_PYTHON names the interpreter's home (a venv)"
run_pypin env PYPIN_PYTHON="$VENV/bin/python3" TST_CODE='import sys; print("prefix=" + sys.prefix)' "$H" "$EMBED"
expect_ok "prefix=$VENV\$"

OLD=$BUILD/oldpy
if [ -f "$OLD/tst-embed-mod1.so" ] && [ -x "$OLD/venv/bin/python3" ]; then
	t_begin "Python before 3.10, its venv first on PATH: the venv's prefix without pypin"
	run env PATH="$OLD/venv/bin:$PATH" TST_CODE='import sys; print("prefix=" + sys.prefix)' \
		"$H" "$OLD/tst-embed-mod1.so"
	expect_ok "prefix=$OLD/venv\$"
	# A venv of the pinned installation stays the home (tests/choose.sh has
	# a venv of another installation, which pypin passes over).
	t_begin "Python before 3.10, its venv first on PATH: pypin keeps that venv as the home"
	run_pypin env PATH="$OLD/venv/bin:$PATH" TST_CODE='import sys; print("prefix=" + sys.prefix)' \
		"$H" "$OLD/tst-embed-mod1.so"
	expect_ok "prefix=$OLD/venv\$"
else
	t_begin "Python before 3.10: the interpreter's home"
	t_skip "no Python 3.8 or 3.9 under ${PYENV_ROOT:-$HOME/.pyenv} to build the plugin against"
fi

t_begin "a program name the host set itself: kept without pypin"
PREFIX_CODE='import sys; print("prefix=" + sys.prefix)'
run env TST_CODE="$PREFIX_CODE" "$BUILD/host-pylinked" -P "$VENV/bin/python3" "$EMBED"
expect_ok "prefix=$VENV\$"
t_begin "a program name the host set itself: kept with pypin"
run_pypin env TST_CODE="$PREFIX_CODE" "$BUILD/host-pylinked" -P "$VENV/bin/python3" "$EMBED"
expect_ok "prefix=$VENV\$"

# --- 6b. what pypin remembers ------------------------------------------------------

# A library that needs no Python is opened twice and closed; an extension-module
# style plugin is put in its place and the same path opened again.
reopen_case() {
	cp "$BUILD/tst-plain-mod1.so" "$t_out/reopened.so"
	cp "$NOLINK" "$t_out/next.so"
	"$@" "$BUILD/reopen" "$t_out/reopened.so" "$t_out/next.so"
}
t_begin "a file replaced at the same path: fails without pypin"
reopen_case run
expect_fail "undefined symbol: _\{0,1\}Py"
t_begin "a file replaced at the same path: pypin inspects the new file"
reopen_case run_pypin
expect_ok 'RESULT numpy=55'

# --- 7. debug output, disabling ---------------------------------------------------

t_begin "silent by default"
run_pypin "$H" "$NOLINK"
# Its lines start "pypin[PID]: "; the word alone may be in the tree's path.
if [ "$t_rc" -eq 0 ] && ! out_has 'pypin\['; then expect_ok "$RESULT"; else t_fail "pypin wrote something"; fi
t_begin "PYPIN_DEBUG=1: one line per decision, prefixed pypin[PID]:"
run_pypin env PYPIN_DEBUG=1 "$H" "$NOLINK"
if out_has '^pypin\[[0-9][0-9]*\]: .*tst-embed-nolink-mod1.so: needs Python symbols (6 undefined, e.g. Py[A-Za-z_]*); pinned .*libpython3.11.so.1.0 (loaded, ' &&
   out_has '^pypin\[[0-9][0-9]*\]: .*_json.*: needs Python symbols (.*); Python 3.11 already pinned'; then t_pass; else t_fail "expected decision lines"; fi
t_begin "PYPIN_DEBUG with a bad value is warned about"
run_pypin env PYPIN_DEBUG=maybe "$H" "$BUILD/tst-plain-mod1.so"
expect_ok 'pypin\[[0-9]*\]: warning: PYPIN_DEBUG=maybe is not a boolean'
t_begin "PYPIN_DISABLE=1 passes everything through"
run_pypin env PYPIN_DISABLE=1 "$H" "$NOLINK"
expect_fail "undefined symbol: _\{0,1\}Py"

# --- 8. small and closed ----------------------------------------------------------

t_begin "libpypin.so exports only dlopen and dlerror"
exports=$(nm -D --defined-only "$LIBPYPIN" | awk '{print $3}' | sort | tr '\n' ' ')
if [ "$exports" = "dlerror dlopen " ]; then t_pass; else t_fail "exports: $exports"; fi
t_begin "libpypin.so depends on libc only"
needed=$(readelf -d "$LIBPYPIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
if [ "$needed" = "libc.so.6 " ]; then t_pass; else t_fail "needs: $needed"; fi
t_begin "every setting is documented in libpypin(7)"
missing= found=0
for v in $("$TOP/tools/pypin-inspect" settings | cut -f1); do
	found=$((found + 1))
	grep -q "^\.B $v\$" "$TOP/docs/libpypin.7" || missing="$missing $v"
done
if [ "$found" -eq 0 ]; then t_fail "pypin-inspect settings names no setting"
elif [ -z "$missing" ]; then t_pass; else t_fail "not in docs:$missing"; fi

t_begin "make install and uninstall honour DESTDIR and prefix"
dest=$t_out/dest
run make -s -C "$TOP" install DESTDIR="$dest" prefix=/opt/pypin-test
if [ "$t_rc" -eq 0 ] && [ -f "$dest/opt/pypin-test/lib/pypin/libpypin.so" ] &&
   [ -x "$dest/opt/pypin-test/lib/pypin/pypin-inspect" ] &&
   grep -q "^lib='/opt/pypin-test/lib/pypin/libpypin.so'" "$dest/opt/pypin-test/bin/pypin"; then
	run make -s -C "$TOP" uninstall DESTDIR="$dest" prefix=/opt/pypin-test
	left=$(find "$dest" -type f | head -n 3)
	if [ -z "$left" ]; then t_pass; else t_fail "left behind: $left"; fi
else
	t_fail "install did not put the library and launcher in place"
fi

t_end
