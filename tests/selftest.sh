#!/bin/sh
# The harness itself (tests/lib.sh): no case can vanish.  Small suites that
# source lib.sh are run here, and their exit status and summary line judged: a
# case that is opened and never recorded, recorded twice or inside a subshell,
# a suite that records nothing or stops before t_end: each fails its suite.
# And TEST_WRAPPER wraps the host, not env.
. "$(dirname "$0")/lib.sh"

S=$t_out/suites
mkdir "$S"

# suite NAME: runs the suite read from stdin (after sourcing lib.sh), with no
# TEST_WRAPPER, like run: its output in $t_out/out, its status in $t_rc.
suite() {
	{ echo '. "$T_LIB"'; cat; } > "$S/$1.sh"
	env -u TEST_WRAPPER T_LIB="$TOP/tests/lib.sh" TOP="$TOP" BUILD="$BUILD" LIBPYPIN="$LIBPYPIN" \
		sh "$S/$1.sh" > "$t_out/out" 2>&1
	t_rc=$?
}
# last_line TEXT: the suite's last line (its summary) is TEXT.
last_line() { [ "$(tail -n 1 "$t_out/out")" = "$1" ]; }
# judged STATUS SUMMARY [PATTERN]...: the suite exited with STATUS, its last
# line is SUMMARY and its output matches every PATTERN.
judged() {
	if ! last_line "$2"; then t_fail "last line is not '$2'"; return 1; fi
	t_want=$1
	shift 2
	expect "$t_want" "$@"
}

t_begin "every case recorded: status 0, all counted"
suite recorded <<'EOF2'
t_begin a; t_pass
t_begin b; t_skip "a reason"
t_begin c; run true; expect_ok
t_end
EOF2
judged 0 'recorded: 2 passed, 0 failed, 1 skipped' '^PASS: a$' '^SKIP: b (a reason)$' '^PASS: c$'

t_begin "a FAIL fails the suite"
suite failing <<'EOF2'
t_begin a; t_pass
t_begin b; run false; expect_ok
t_end
EOF2
judged 1 'failing: 1 passed, 1 failed' '^FAIL: b: exit status 1, expected 0$'

t_begin "everything skipped: status 77"
suite skipped <<'EOF2'
t_begin a; t_skip "no reason to run"
t_end
EOF2
judged 77 'skipped: 0 passed, 0 failed, 1 skipped'

t_begin "a case left open before the next one is a FAIL"
suite dropped <<'EOF2'
t_begin "the dropped case"
run echo hello
out_has 'a debug text that changed' && expect_ok hello
t_begin "the next case"; t_pass
t_end
EOF2
judged 1 'dropped: 1 passed, 1 failed' '^FAIL: the dropped case: never recorded' '^PASS: the next case$'

t_begin "the last case left open is a FAIL at t_end"
suite dropped_last <<'EOF2'
t_begin "a case"; t_pass
t_begin "the dropped case"
run echo hello
out_has 'a debug text that changed' && expect_ok hello
t_end
EOF2
judged 1 'dropped_last: 1 passed, 1 failed' '^FAIL: the dropped case: never recorded'

t_begin "a second result for one case is a FAIL"
suite twice <<'EOF2'
t_begin "a case"; t_pass; t_pass
t_end
EOF2
judged 1 'twice: 1 passed, 1 failed' '^FAIL: a case: PASS recorded with no case open'

t_begin "a result recorded in a subshell is lost, and so the case fails"
suite subshell <<'EOF2'
t_begin "a case"; (t_pass)
t_end
EOF2
judged 1 'subshell: 0 passed, 1 failed' '^FAIL: a case: never recorded'

t_begin "t_namespace without a namespace skips its case, with t_unshare's reason, and ends the suite"
suite nonamespace <<'EOF2'
t_unshare "no namespace wanted"
t_namespace "a change to /etc" /etc
t_begin "after the namespace"; t_pass
t_end
EOF2
judged 77 'nonamespace: 0 passed, 0 failed, 1 skipped' '^SKIP: a change to /etc (no namespace wanted)$'

t_begin "a suite that records no case fails"
suite empty <<'EOF2'
t_end
EOF2
judged 1 'empty: 0 passed, 1 failed' '^FAIL: empty: no case was recorded$'

t_begin "a suite that exits before t_end fails, with a summary line"
suite early <<'EOF2'
t_begin "a case"; t_pass
exit 0
EOF2
judged 1 'early: 1 passed, 1 failed' '^FAIL: early: stopped before t_end (status 0)$'

t_begin "a suite the shell stops in a case fails that case too"
suite stopped <<'EOF2'
t_begin "a case"; t_pass
t_begin "the stopped case"
. /nonexistent/file
t_pass
t_end
EOF2
judged 1 'stopped: 1 passed, 2 failed' '^FAIL: the stopped case: never recorded' '^FAIL: stopped: stopped before t_end'

# TEST_WRAPPER: a wrapper that writes down how it was started, then runs it.
cat > "$t_out/wrapper" <<'EOF2'
#!/bin/sh
{ echo "LD_PRELOAD=${LD_PRELOAD:-}"; echo "PYPIN_DEBUG=${PYPIN_DEBUG:-}"; echo "PWD=$PWD"
  for a; do echo "arg: $a"; done; } > "$WRAPPER_LOG"
exec "$@"
EOF2
chmod +x "$t_out/wrapper"
export WRAPPER_LOG="$t_out/wrapper.log"
# wrapped CMD...: runs CMD (run or run_pypin ...) under the recording wrapper.
wrapped() {
	rm -f "$WRAPPER_LOG"
	T_WRAPPER=$t_out/wrapper
	"$@"
	T_WRAPPER=
}
# logged LINE...: the wrapper's record is these lines; if not, both are
# added to the output, for the FAIL that follows.
logged() {
	printf '%s\n' "$@" > "$t_out/want"
	cmp -s "$t_out/want" "$WRAPPER_LOG" && return 0
	{ echo "the wrapper saw:"; cat "$WRAPPER_LOG"; echo "expected:"; cat "$t_out/want"; } >> "$t_out/out"
	return 1
}

H=$BUILD/host
NOLINK=$BUILD/tst-embed-nolink-mod1.so
t_begin "TEST_WRAPPER wraps the host under pypin, after env and its settings"
wrapped run_pypin env PYPIN_DEBUG=1 "$H" "$NOLINK"
if logged "LD_PRELOAD=$LIBPYPIN" "PYPIN_DEBUG=1" "PWD=$PWD" "arg: $H" "arg: $NOLINK"
then expect_ok 'RESULT numpy=55'; else t_fail "the wrapper did not see the host as expected"; fi
t_begin "TEST_WRAPPER wraps the host, not env, without pypin"
wrapped run env -C "$BUILD" -u PYPIN_DEBUG LD_PRELOAD= "$H" -f lazy "$NOLINK"
if logged "LD_PRELOAD=" "PYPIN_DEBUG=" "PWD=$BUILD" "arg: $H" "arg: -f" "arg: lazy" "arg: $NOLINK"
then expect_fail 'undefined symbol: _\{0,1\}Py'; else t_fail "the wrapper did not see the host as expected"; fi
t_begin "TEST_WRAPPER wraps a host run without env"
wrapped run "$H" -e none "$BUILD/tst-plain-mod1.so"
if logged "LD_PRELOAD=" "PYPIN_DEBUG=" "PWD=$PWD" "arg: $H" "arg: -e" "arg: none" "arg: $BUILD/tst-plain-mod1.so"
then expect_ok; else t_fail "the wrapper did not see the host as expected"; fi
t_begin "without TEST_WRAPPER the command runs as given"
T_WRAPPER= run env -C "$t_out" sh -c 'echo "$0 $PWD"' hello
expect_ok "^hello $t_out\$"

t_end
