#!/bin/sh
# Load and reload under pypin: many threads, nested constructors, and a
# numpy-importing plugin loaded and unloaded again and again with bounded
# memory.  Quick by default (make check); STRESS_LONG=1 runs the full sizes:
# 8 threads x 10,000 dlopen/dlclose, 1,000 plugin cycles.
. "$(dirname "$0")/lib.sh"

H=$BUILD/host
NOLINK=$BUILD/tst-embed-nolink-mod1.so
EMBED=$BUILD/tst-embed-mod1.so
if [ -n "${STRESS_LONG:-}" ]; then
	LOOPS=10000 PY_LOOPS=100 CYCLES=1000 CTOR_LOOPS=3
else
	LOOPS=1000 PY_LOOPS=10 CYCLES=200 CTOR_LOOPS=1
fi

t_begin "8 threads x $LOOPS dlopen/dlclose of a library that needs no Python"
run_pypin "$H" -t 8 -n $LOOPS "$BUILD/tst-plain-mod1.so"
expect_ok
t_begin "8 threads x $LOOPS dlopen/dlclose, with the reference-count path"
run_pypin "$H" -t 8 -n $LOOPS "$BUILD/tst-plain-mod1.so" "$BUILD/tst-plain-mod2.so"
expect_ok

t_begin "8 threads x $PY_LOOPS Python plugin cycles: fail without pypin"
run "$H" -t 8 -n $PY_LOOPS "$NOLINK"
expect_fail "undefined symbol: _\{0,1\}Py"
t_begin "8 threads x $PY_LOOPS Python plugin cycles: one libpython, no error"
run_pypin env TST_CODE='import numpy; numpy.arange(10).sum()' "$H" -t 8 -n $PY_LOOPS -m "$NOLINK" "$EMBED"
if [ "$(grep -c '^mapped:' "$t_out/out")" -eq 1 ]; then expect 0 '^mapped: .*/libpython3.11.so.1.0$'
else t_fail "not exactly one libpython mapped"; fi

t_begin "constructors dlopen-ing a Python plugin from inside dlopen, on 4 threads: fail without pypin"
run env TST_NESTED="$NOLINK" "$H" -t 4 -n $CTOR_LOOPS "$BUILD/tst-ctor-mod1.so"
expect 0 "nested dlopen .* failed: .*undefined symbol"
t_begin "constructors dlopen-ing a Python plugin from inside dlopen, on 4 threads: no deadlock"
run_pypin env TST_NESTED="$NOLINK" "$H" -t 4 -n $CTOR_LOOPS "$BUILD/tst-ctor-mod1.so"
if [ "$t_rc" -eq 0 ] && ! out_has 'failed' && out_has 'nested: plugin_run returned 0'; then t_pass
else t_fail "status $t_rc"; fi

# Peak RSS of the host after N plugin cycles (the kernel's ru_maxrss, KiB).
cycles_rss() {
	env LD_PRELOAD="$LIBPYPIN" TST_CODE='import numpy' "$BUILD/bench/timeit" 1 \
		"$H" -n "$1" "$EMBED" | awk '$5 == 1 { print $4 }'
}
t_begin "a numpy plugin loaded and unloaded $CYCLES times: fails without pypin"
run env TST_CODE='import numpy' "$H" -n 2 "$EMBED"
expect_fail 'numpy'
t_begin "a numpy plugin loaded and unloaded $CYCLES times: memory stays bounded"
small=$(cycles_rss $((CYCLES / 10)))
large=$(cycles_rss $CYCLES)
if [ -n "$small" ] && [ -n "$large" ]; then
	growth=$((large - small))
	echo "    peak RSS after $((CYCLES / 10)) cycles: $small KiB, after $CYCLES: $large KiB"
	if [ "$growth" -le 8192 ]; then t_pass; else t_fail "grew by $growth KiB"; fi
else
	t_fail "the host failed under pypin"
fi

t_end
