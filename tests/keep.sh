#!/bin/sh
# keep (PYPIN_KEEP): a plugin that finalizes Python when unloaded can be
# loaded again.  The unmodified host loads, runs and unloads the plugin of
# tests/fixtures/tst-keep.c again and again: without keep the second start of
# Python in the process crashes (numpy), with keep every cycle works.
. "$(dirname "$0")/lib.sh"
unset PYPIN_KEEP

H=$BUILD/host
KEEPLIB=$(dirname "$LIBPYPIN")/libpypin-keep.so
PLUGIN=$BUILD/tst-keep-mod1.so
THREADED=$BUILD/tst-keep-mod2.so
SYSLIBPYTHON=$(/usr/bin/python3.11 -c 'import sysconfig as s, os; print(os.path.join(s.get_config_var("LIBDIR"), s.get_config_var("INSTSONAME")))')
N=20
TST_KEEP_LOG=$t_out/atexit.log
export TST_KEEP_LOG

# count PATTERN: how many lines of the last run's output match.
count() { grep -c -e "$1" "$t_out/out"; }

# cycles_ok N: every cycle 1..N gave the right sum, started and finalized as
# the plugin expects, its buffered output came out before its finalization,
# and its atexit handler ran once, in order.
cycles_ok() {
	awk -v n="$1" '
		/^start [0-9]+: initialized=1$/ { s = $2 + 0; started[s] = 1; next }
		/^python: cycle [0-9]+$/ { c = $3 + 0; if (!started[c] || done[c]) bad = bad " out" c; py[c] = 1; next }
		/^RESULT cycle=[0-9]+ sum=55 / { split($2, a, "="); ok[a[2] + 0] = 1; next }
		/^finalized [0-9]+: rc=0 initialized=0$/ { f = $2 + 0; if (!py[f]) bad = bad " order" f; done[f] = 1; next }
		END {
			for (i = 1; i <= n; i++)
				if (!started[i] || !ok[i] || !py[i] || !done[i]) bad = bad " cycle" i
			if (bad != "") { print "bad:" bad; exit 1 }
		}' "$t_out/out" || return 1
	seq 1 "$1" | sed 's/^/atexit /' | cmp -s - "$TST_KEEP_LOG" || {
		echo "atexit log:"; cat "$TST_KEEP_LOG"; return 1; }
}

# died: the last run ended by a signal, or with a failed cycle before N.
crashed_on_second() {
	! grep -q '^RESULT cycle=2 sum=55' "$t_out/out" &&
		grep -q '^RESULT cycle=1 sum=55' "$t_out/out" && [ "$t_rc" -ne 0 ]
}

# --- the companion -------------------------------------------------------------

t_begin "libpypin-keep.so exports only the Py functions it overrides, and pypin_keep_arm"
exports=$(nm -D --defined-only "$KEEPLIB" | awk '{print $3}' | sort | tr '\n' ' ')
if [ "$exports" = "PyImport_AppendInittab PyImport_ExtendInittab Py_AtExit Py_Finalize Py_FinalizeEx Py_Initialize Py_InitializeEx Py_InitializeFromConfig Py_IsInitialized pypin_keep_arm " ]; then
	t_pass; else t_fail "exports: $exports"; fi
t_begin "libpypin-keep.so is not linked to libpython and needs no Py symbol"
if readelf -d "$KEEPLIB" | grep NEEDED | grep -q libpython; then
	t_fail "it lists libpython"
elif nm -D --undefined-only "$KEEPLIB" | grep -q ' _\{0,1\}Py'; then
	t_fail "undefined Py symbols: $(nm -D --undefined-only "$KEEPLIB" | grep ' _*Py' | tr '\n' ' ')"
else t_pass; fi

# --- the plugin that finalizes, loaded N times ---------------------------------

t_begin "reload, without pypin: the first start cannot import numpy"
rm -f "$TST_KEEP_LOG"
run "$H" -n 2 "$PLUGIN"
if out_has 'undefined symbol: Py' && ! out_has '^RESULT cycle=1 sum=55'; then t_pass
else t_fail "expected numpy's import to fail"; fi

t_begin "reload, LD_PRELOAD=libpython: the second start crashes"
rm -f "$TST_KEEP_LOG"
run env LD_PRELOAD="$SYSLIBPYTHON" "$H" -n $N "$PLUGIN"
if crashed_on_second; then t_pass; else t_fail "expected cycle 1 to work and cycle 2 to fail (status $t_rc)"; fi

t_begin "reload, pypin without keep: the second start crashes"
rm -f "$TST_KEEP_LOG"
run_pypin "$H" -n $N "$PLUGIN"
if crashed_on_second; then t_pass; else t_fail "expected cycle 1 to work and cycle 2 to fail (status $t_rc)"; fi

t_begin "reload, pypin with keep: $N cycles, each with numpy's answer, atexit and output in order"
rm -f "$TST_KEEP_LOG"
run_pypin env PYPIN_KEEP=1 "$H" -n $N "$PLUGIN"
if msg=$(cycles_ok $N); then expect_ok "RESULT cycle=$N sum=55 starts=$N "; else t_fail "$msg"; fi

t_begin "reload, pypin with keep: resident size from cycle 5 to $N grows by less than 16 MiB"
rss5=$(sed -n 's/^RESULT cycle=5 .* rss_kib=\([0-9]*\)$/\1/p' "$t_out/out")
rssN=$(sed -n "s/^RESULT cycle=$N .* rss_kib=\\([0-9]*\\)\$/\\1/p" "$t_out/out")
if [ -z "$rss5" ] || [ -z "$rssN" ]; then t_fail "no resident sizes"
elif [ $((rssN - rss5)) -lt 16384 ]; then t_pass
else t_fail "grew from $rss5 KiB to $rssN KiB"; fi

t_begin "the launcher's --keep: the same"
rm -f "$TST_KEEP_LOG"
run "$TOP/scripts/pypin" --lib "$LIBPYPIN" --keep -- "$H" -n 3 "$PLUGIN"
if msg=$(cycles_ok 3); then expect_ok "RESULT cycle=3 sum=55 starts=3 "; else t_fail "$msg"; fi

t_begin "PYPIN_DEBUG=1: one line per finalization kept and per start resumed"
rm -f "$TST_KEEP_LOG"
run_pypin env PYPIN_KEEP=1 PYPIN_DEBUG=1 "$H" -n 4 "$PLUGIN"
kept=$(count '^pypin\[[0-9]*\]: keep: Py_FinalizeEx kept the interpreter')
resumed=$(count '^pypin\[[0-9]*\]: keep: Py_InitializeEx resumed the kept interpreter')
if [ "$kept" -eq 4 ] && [ "$resumed" -eq 3 ]; then expect_ok; else t_fail "$kept kept, $resumed resumed; expected 4 and 3"; fi

# --- pypin check --reload ---------------------------------------------------------

t_begin "check --reload 5: the plugin that finalizes fails without keep, survives with it"
run "$TOP/scripts/pypin" --lib "$LIBPYPIN" check --reload 5 "$PLUGIN"
if out_has '^with pypin, without keep: FAILED: 1 of 5 cycles' &&
   out_has 'killed by .* in cycle 2' && out_has '^with pypin and keep: *ok: 5 of 5 cycles'; then
	expect_ok '^hint: keep fixes it'
else t_fail "expected cycle 2 to fail without keep and all 5 to pass with it"; fi

t_begin "check --reload 3 numpy: a plugin that leaves Python to its host, finalized by the trial"
run "$TOP/scripts/pypin" --lib "$LIBPYPIN" check --reload 3 "$BUILD/tst-embed-mod1.so" numpy
if out_has '^with pypin, without keep: FAILED' && out_has '^with pypin and keep: *ok: 3 of 3 cycles'; then
	expect_ok
else t_fail "expected a failure without keep and 3 cycles with it"; fi

t_begin "check --reload: a count out of range is a usage error"
run "$TOP/scripts/pypin" --lib "$LIBPYPIN" check --reload 0 "$PLUGIN"
expect 2 'takes a number of cycles'

t_begin "explain: a plugin that finalizes gets a keep line naming RTLD_DEEPBIND"
plain_keep=$(run "$TOP/scripts/pypin" --lib "$LIBPYPIN" --keep explain "$BUILD/tst-embed-mod1.so"; count '^  keep:')
run "$TOP/scripts/pypin" --lib "$LIBPYPIN" --keep explain "$PLUGIN"
if [ "$plain_keep" -ne 0 ]; then t_fail "a plugin that never finalizes got a keep line"
else expect_ok '^  keep: *it calls Py_FinalizeEx; with keep (on here).*RTLD_DEEPBIND'; fi

for api in "Py_InitializeFromConfig and Py_FinalizeEx:mod5:Py_InitializeFromConfig:Py_FinalizeEx" \
	"Py_Initialize and Py_Finalize:mod6:Py_Initialize:Py_Finalize"; do
	what=${api%%:*} rest=${api#*:}
	mod=${rest%%:*} rest=${rest#*:}
	start=${rest%%:*} end=${rest#*:}
	t_begin "$what, pypin without keep: the second start crashes"
	rm -f "$TST_KEEP_LOG"
	run_pypin "$H" -n 5 "$BUILD/tst-keep-$mod.so"
	if crashed_on_second; then t_pass; else t_fail "expected cycle 1 to work and cycle 2 to fail (status $t_rc)"; fi
	t_begin "$what, pypin with keep: 5 cycles, each kept and resumed"
	rm -f "$TST_KEEP_LOG"
	run_pypin env PYPIN_KEEP=1 PYPIN_DEBUG=1 "$H" -n 5 "$BUILD/tst-keep-$mod.so"
	kept=$(count "keep: $end kept the interpreter") resumed=$(count "keep: $start resumed")
	if ! msg=$(cycles_ok 5); then t_fail "$msg"
	elif [ "$kept" -ne 5 ] || [ "$resumed" -ne 4 ]; then t_fail "$kept kept, $resumed resumed"
	else expect_ok "RESULT cycle=5 sum=55 starts=5 "; fi
done

# --- threads ---------------------------------------------------------------------

t_begin "threads, pypin without keep: started again on a third thread, numpy crashes"
rm -f "$TST_KEEP_LOG"
run_pypin "$H" -n 5 "$THREADED"
if crashed_on_second; then t_pass; else t_fail "expected cycle 1 to work and cycle 2 to fail (status $t_rc)"; fi
t_begin "threads, pypin with keep: finalized on another thread, started again on a third"
rm -f "$TST_KEEP_LOG"
run_pypin env PYPIN_KEEP=1 "$H" -n 10 "$THREADED"
if msg=$(cycles_ok 10); then expect_ok "RESULT cycle=10 sum=55 starts=10 "; else t_fail "$msg"; fi

# --- Python versions ----------------------------------------------------------

for v in 3.8 3.9 3.10 3.11 3.12 3.13; do
	P=$BUILD/keep-python$v/tst-keep-mod3.so
	t_begin "Python $v: without keep each start is a new interpreter"
	if [ ! -f "$P" ]; then t_skip "no pyenv Python $v"; continue; fi
	rm -f "$TST_KEEP_LOG"
	run_pypin "$H" -n 3 "$P"
	if out_has '^RESULT cycle=1 sum=55 starts=1 ' && ! out_has 'starts=[23] '; then t_pass
	else t_fail "expected a first start to work and no later start to see the earlier one"; fi
	t_begin "Python $v: with keep one interpreter serves 5 cycles"
	rm -f "$TST_KEEP_LOG"
	run_pypin env PYPIN_KEEP=1 "$H" -n 5 "$P"
	if msg=$(cycles_ok 5); then expect_ok "RESULT cycle=5 sum=55 starts=5 "; else t_fail "$msg"; fi
	t_begin "Python $v: with keep, started, finalized and started again on other threads"
	rm -f "$TST_KEEP_LOG"
	run_pypin env PYPIN_KEEP=1 "$H" -n 5 "$BUILD/keep-python$v/tst-keep-mod4.so"
	if msg=$(cycles_ok 5); then expect_ok "RESULT cycle=5 sum=55 starts=5 "; else t_fail "$msg"; fi
done

# --- the Rust/PyO3 plugin of tests/pyo3, with a shutdown entry point ------------

# Host A reloads plugin B; each cycle's worker thread runs the script
# (numpy, pandas) and then plugin_shutdown (Py_FinalizeEx).  The fixtures are
# built by tests/pyo3/setup.sh (run.sh builds them when missing).
PYO3=$TOP/tests/pyo3/build
VENV=$PYO3/venv
export PLUGIN_SCRIPT="$TOP/tests/pyo3/script.py"
# pyo3_world NAME PLUGIN PATH [VAR=VALUE]: the cases for one Python world.
pyo3_world() {
	name=$1 plugin=$2 path=$3
	shift 3
	t_begin "PyO3 plugin with a shutdown hook, $name: without keep the second cycle fails"
	if [ ! -x "$PYO3/debian/host" ] || [ ! -f "$plugin" ]; then
		t_skip "tests/pyo3 fixtures not built (tests/pyo3/setup.sh)"; return; fi
	run_pypin env PATH="$path" "$@" "$PYO3/debian/host" --cycles 20 --shutdown "$plugin"
	if out_has '^\[cycle 1\] ok ' && ! out_has '^\[cycle 2\] ok ' && [ "$t_rc" -ne 0 ]; then t_pass
	else t_fail "expected cycle 1 to work and cycle 2 to fail (status $t_rc)"; fi
	t_begin "PyO3 plugin with a shutdown hook, $name: with keep 20 cycles, RSS bounded"
	run_pypin env PATH="$path" PYPIN_KEEP=1 "$@" "$PYO3/debian/host" --cycles 20 --shutdown "$plugin"
	growth=$(sed -n 's/^rss growth from cycle 10 to 20: \(-\{0,1\}[0-9]*\) KiB$/\1/p' "$t_out/out")
	if [ "$(count '^\[cycle [0-9]*\] ok .* unloaded=yes$')" -ne 20 ]; then t_fail "not 20 cycles ok and unloaded"
	elif [ -z "$growth" ] || [ "$growth" -ge 16384 ]; then t_fail "RSS growth from cycle 10 to 20: ${growth:-unknown} KiB"
	else expect_ok '^\[1\] numpy_sum=5050$'; fi
}
pyo3_world "Debian's Python 3.11" "$PYO3/debian/libplugin.so" /usr/bin:/bin
pyo3_world "a venv of pyenv's 3.11 (numpy 2)" "$PYO3/pyenv/libplugin.so" "$VENV/bin:/usr/bin:/bin" \
	PYPIN_PYTHON="$VENV/bin/python"

t_begin "keep leaves dlopen's answers and dlerror() as they are without it"
run_pypin "$H" -p "$BUILD/tst-embed-mod1.so"
cp "$t_out/out" "$t_out/probe-off"
run_pypin env PYPIN_KEEP=1 "$H" -p "$BUILD/tst-embed-mod1.so"
if ! grep -q '^lib: handle errno=' "$t_out/probe-off"; then t_fail "the probe did not run"
elif cmp -s "$t_out/out" "$t_out/probe-off"; then t_pass
else t_fail "differs: $(diff "$t_out/probe-off" "$t_out/out" | head -n 4 | tr '\n' '|')"; fi

# --- what keep leaves alone ------------------------------------------------------

t_begin "Python in the process before pypin (host linked to libpython): nothing kept"
rm -f "$TST_KEEP_LOG"
run_pypin env PYPIN_KEEP=1 PYPIN_DEBUG=1 "$BUILD/host-pylinked" -n 1 "$PLUGIN"
if out_has 'keep: Python was in the process before pypin; nothing kept' &&
   ! out_has 'kept the interpreter'; then expect_ok 'RESULT cycle=1 sum=55'
else t_fail "expected keep not to apply"; fi

t_begin "a libpython that lacks the functions keep needs: the companion is never loaded, the host runs as without keep"
run_pypin env LD_LIBRARY_PATH="$BUILD/hostile" "$H" -f lazy -e none -k -m "$BUILD/tst-embed-mod1.so"
cp "$t_out/out" "$t_out/fake-off"
run_pypin env LD_LIBRARY_PATH="$BUILD/hostile" PYPIN_KEEP=1 "$H" -f lazy -e none -k -m "$BUILD/tst-embed-mod1.so"
if ! grep -q "^mapped: $BUILD/hostile/libpython3.11.so.1.0\$" "$t_out/fake-off"; then t_fail "without keep: not the stand-in mapped"
elif ! cmp -s "$t_out/out" "$t_out/fake-off"; then t_fail "differs from without keep"
else
	run_pypin env LD_LIBRARY_PATH="$BUILD/hostile" PYPIN_KEEP=1 PYPIN_DEBUG=1 "$H" -f lazy -e none -k "$BUILD/tst-embed-mod1.so"
	expect_ok 'keep: .*/libpython3.11.so.1.0 lacks Py_FinalizeEx; nothing kept'
fi

t_begin "the interpreter's own exit (sys.exit): a real finalization, atexit once"
code='import atexit, sys; atexit.register(lambda: print("atexit ran")); sys.exit(3)'
run_pypin env TST_CODE="$code" "$H" "$BUILD/tst-embed-mod1.so"
plain_rc=$t_rc plain_n=$(count '^atexit ran$')
run_pypin env PYPIN_KEEP=1 PYPIN_DEBUG=1 TST_CODE="$code" "$H" "$BUILD/tst-embed-mod1.so"
if [ "$plain_rc" -ne 3 ] || [ "$plain_n" -ne 1 ]; then t_fail "without keep: status $plain_rc, $plain_n atexit lines"
elif [ "$t_rc" -ne 3 ] || [ "$(count '^atexit ran$')" -ne 1 ] || out_has 'kept the interpreter'; then
	t_fail "with keep: status $t_rc, expected 3, one atexit line, nothing kept"
else t_pass; fi

t_begin "RTLD_DEEPBIND: the plugin binds to libpython directly, nothing is kept"
rm -f "$TST_KEEP_LOG"
run_pypin env PYPIN_KEEP=1 PYPIN_DEBUG=1 "$H" -f deepbind -n 3 "$PLUGIN"
if crashed_on_second && ! out_has 'kept the interpreter'; then t_pass
else t_fail "expected the limitation the documentation names (status $t_rc)"; fi

# --- co-resident plugins, inittab modules, Py_AtExit, subinterpreters ---------

SEQ=$BUILD/tst-keep-host
PA=$BUILD/tst-keep-pa.so PB=$BUILD/tst-keep-pb.so
# both NAME PATTERN STEP...: the steps without keep must match PATTERN, then
# with keep; each a case of its own.
both() {
	name=$1 pat=$2
	shift 2
	t_begin "$name, pypin without keep"
	run_pypin "$SEQ" "$@"
	expect_ok "$pat"
	t_begin "$name, pypin with keep"
	run_pypin env PYPIN_KEEP=1 "$SEQ" "$@"
	expect_ok "$pat"
}

# Without keep, starting again after a real finalization on another thread
# is CPython's own matter (it crashes); these cases are keep's alone.
t_begin "two co-resident plugins each finalize, the second on a thread of its own; one starts again on a third"
run_pypin env PYPIN_KEEP=1 "$SEQ" "l:$PA" "c:$PA:start" "l:$PB" "c:$PB:finish" "Tc:$PA:finish" "Tc:$PA:start"
expect_ok "^step 6 done: Tc:$PA:start\$"
t_begin "two co-resident plugins: the second finalization runs the atexit handler registered since"
run_pypin env PYPIN_KEEP=1 "$SEQ" "l:$PA" "c:$PA:start" "l:$PB" "c:$PB:finish" "c:$PB:start" "c:$PA:finish"
if [ "$(count '^atexit$')" -eq 2 ]; then expect_ok "^step 6 done"; else t_fail "expected 2 atexit lines"; fi
t_begin "Py_IsInitialized after a kept finalization is 0 for a co-resident plugin too"
run_pypin env PYPIN_KEEP=1 "$SEQ" "l:$PA" "c:$PA:start" "l:$PB" "c:$PB:finish" "c:$PA:isinit"
expect_ok '^isinit -> 0$'
# A real Py_FinalizeEx wants the GIL; a kept one takes it when the thread has
# none (its own PyGILState_Ensure).
t_begin "a thread without a thread state finalizes, and another starts again"
run_pypin env PYPIN_KEEP=1 "$SEQ" "l:$PA" "c:$PA:start" "Tc:$PA:finish_nogil" "Tc:$PA:start"
expect_ok '^finish_nogil -> 0$'
# (Without keep, CPython refuses to finalize with a subinterpreter left.)
t_begin "a subinterpreter exists; a thread without a thread state finalizes (with keep)"
run_pypin env PYPIN_KEEP=1 "$SEQ" "l:$PA" "c:$PA:startsub" "Tc:$PA:finish_nogil"
expect_ok '^finish_nogil -> 0$'
t_begin "a subinterpreter exists: the finalization still runs the atexit handler"
if out_has '^atexit$'; then t_pass; else t_fail "no atexit line"; fi

t_begin "a non-daemon thread is joined before the atexit handlers, without keep"
run_pypin "$SEQ" "l:$PA" "c:$PA:start" "c:$PA:thread" "c:$PA:finish"
tr '\n' ' ' <"$t_out/out" >"$t_out/flat"
if grep -q 'thread done atexit finish -> 0' "$t_out/flat"; then t_pass; else t_fail "order"; fi
t_begin "a non-daemon thread is joined before the atexit handlers, with keep"
run_pypin env PYPIN_KEEP=1 "$SEQ" "l:$PA" "c:$PA:start" "c:$PA:thread" "c:$PA:finish"
tr '\n' ' ' <"$t_out/out" >"$t_out/flat"
if grep -q 'thread done atexit finish -> 0' "$t_out/flat"; then t_pass; else t_fail "order"; fi

AE=$BUILD/tst-keep-ae.so
both "Py_AtExit: the callback runs at the plugin's finalization, never after it is unloaded" \
	'^exiting$' "l:$AE" "u:$AE" "m:" "l:$PA" "c:$PA:start" "c:$PA:exit_python"
t_begin "Py_AtExit with keep: the callback ran once, at the kept finalization"
if [ "$(count '^Py_AtExit callback ran$')" -eq 1 ] &&
   [ "$(sed -n '/^Py_AtExit callback ran$/=' "$t_out/out")" -lt "$(sed -n '/^step 2 done/=' "$t_out/out")" ]; then
	t_pass; else t_fail "expected one callback line before step 2"; fi
t_begin "Py_AtExit with keep: 40 loads never fill CPython's table of 32"
set --
i=0; while [ $i -lt 40 ]; do set -- "$@" "l:$AE" "u:$AE"; i=$((i + 1)); done
run_pypin env PYPIN_KEEP=1 "$SEQ" "$@"
if out_has 'table is full'; then t_fail "the table filled"
else expect_ok '^step 80 done'; fi

# The module a plugin adds to the inittab is made from the plugin loaded now.
EMB=$BUILD/tst-keep-emb.so
both "an inittab module (PyImport_AppendInittab), loaded, unloaded and loaded again" \
	'^step 6 done' "l:$EMB" "u:$EMB" "m:" "l:$EMB" "u:$EMB" "l:$EMB"
t_begin "an inittab module with keep: each load's module is its own"
if [ "$(count '^tst_emb.hello -> 1$')" -eq 3 ]; then t_pass; else t_fail "expected 3 first calls"; fi
for v in 3.12 3.13; do
	t_begin "Python $v: an inittab module, loaded again with keep"
	P=$BUILD/keep-python$v/tst-keep-emb.so
	if [ ! -f "$P" ]; then t_skip "no pyenv Python $v"; continue; fi
	run_pypin "$SEQ" "l:$P" "u:$P" "m:" "l:$P"
	plain=$t_rc
	run_pypin env PYPIN_KEEP=1 "$SEQ" "l:$P" "u:$P" "m:" "l:$P" "u:$P" "l:$P"
	if [ "$plain" -ne 0 ]; then t_fail "without keep: status $plain"
	elif [ "$(count '^tst_emb.hello -> 1$')" -ne 3 ]; then t_fail "expected 3 first calls"
	else expect_ok '^step 6 done'; fi
done
t_begin "explain: a plugin that adds to the inittab is named"
run "$TOP/scripts/pypin" --lib "$LIBPYPIN" --keep explain "$EMB"
expect_ok '^  keep: .*PyImport_AppendInittab'

t_begin "a stand-in libpython that calls its own Py_IsInitialized: the same answers with keep as without"
FP=$BUILD/keep-fake/tst-keep-fplug.so
run_pypin "$SEQ" "l:$FP" "c:$FP:check" "c:$FP:isinit"
cp "$t_out/out" "$t_out/fake2-off"
run_pypin env PYPIN_KEEP=1 "$SEQ" "l:$FP" "c:$FP:check" "c:$FP:isinit"
if ! grep -q '^check -> 1$' "$t_out/fake2-off"; then t_fail "without keep: $(tr '\n' '|' <"$t_out/fake2-off")"
elif cmp -s "$t_out/out" "$t_out/fake2-off"; then t_pass
else t_fail "differs from without keep"; fi
t_begin "a stand-in libpython that lacks what keep needs: the companion is never loaded"
run_pypin env PYPIN_KEEP=1 PYPIN_DEBUG=1 "$SEQ" "l:$FP"
expect_ok 'keep: .*libpython3.11.so.1.0 lacks .*; nothing kept'

t_end
