# Shared helpers for pypin's integration tests (POSIX sh, sourced).
#
# A test script sources this file, calls `t_begin NAME` ... `t_pass` / `t_fail MSG`
# for each case, and ends with `t_end`, which prints a summary line
# "NAME: N passed, N failed[, N skipped]" and exits 0 (all passed), 1 (a failure)
# or 77 (everything skipped).
#
# Variables a script may rely on:
#   TOP        the source tree
#   BUILD      tests/build (fixtures built by `make check`)
#   LIBPYPIN   the library under test (defaults to the build tree's)
#   T_TIMEOUT  seconds a single command may take before it counts as hung

TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$TOP/tests/build}
LIBPYPIN=${LIBPYPIN:-$TOP/preload/libpypin.so}
T_TIMEOUT=${T_TIMEOUT:-120}
T_WRAPPER=${TEST_WRAPPER:-}

t_passed=0 t_failed=0 t_skipped=0 t_name=
t_suite=$(basename "$0" .sh)
t_out=$(mktemp -d "${TMPDIR:-/tmp}/pypin-test.XXXXXX")
trap 'rm -rf "$t_out"' EXIT

# Never inherit a pypin from the caller: each case says whether it wants one.
unset LD_PRELOAD PYPIN_DEBUG PYPIN_DISABLE PYPIN_LIBPYTHON PYPIN_PYTHON
# pyenv's shims on an inherited PATH select the system's python (the next on
# PATH), whatever the caller's pyenv version: a case that wants a pyenv Python
# names it.
PYENV_VERSION=system
export PYENV_VERSION

t_begin() { t_name=$1; }
t_pass() { t_passed=$((t_passed + 1)); printf 'PASS: %s\n' "$t_name"; }
t_skip() { t_skipped=$((t_skipped + 1)); printf 'SKIP: %s (%s)\n' "$t_name" "$*"; }
t_fail() {
	t_failed=$((t_failed + 1))
	printf 'FAIL: %s: %s\n' "$t_name" "$*"
	if [ -s "$t_out/out" ]; then sed 's/^/    | /' "$t_out/out" | head -n 40; fi
}

# run CMD...: runs with a time bound, output (stdout+stderr) in $t_out/out,
# exit status in $t_rc (124 when it hung).
run() {
	timeout -k 5 "$T_TIMEOUT" $T_WRAPPER "$@" >"$t_out/out" 2>&1
	t_rc=$?
}
# run_pypin CMD...: the same under LD_PRELOAD=$LIBPYPIN.
run_pypin() { run env LD_PRELOAD="$LIBPYPIN" "$@"; }

out_has() { grep -q -e "$1" "$t_out/out"; }
out() { cat "$t_out/out"; }

# expect_ok / expect_fail PATTERN: judge the last run and record the case.
expect_ok() {
	if [ "$t_rc" -ne 0 ]; then t_fail "exit status $t_rc, expected 0"; return 1; fi
	if [ -n "${1:-}" ] && ! out_has "$1"; then t_fail "output lacks '$1'"; return 1; fi
	t_pass
}
expect_fail() {
	if [ "$t_rc" -eq 0 ]; then t_fail "exit status 0, expected a failure"; return 1; fi
	if [ "$t_rc" -eq 124 ] || [ "$t_rc" -eq 137 ]; then t_fail "hung (timed out)"; return 1; fi
	if [ -n "${1:-}" ] && ! out_has "$1"; then t_fail "output lacks '$1'"; return 1; fi
	t_pass
}

# expect STATUS [PATTERN]...: the last run exited with STATUS and its output
# matches every PATTERN.
expect() {
	t_want=$1
	shift
	if [ "$t_rc" -ne "$t_want" ]; then t_fail "exit status $t_rc, expected $t_want"; return 1; fi
	for t_pat; do
		out_has "$t_pat" || { t_fail "output lacks '$t_pat'"; return 1; }
	done
	t_pass
}

t_end() {
	if [ "$t_skipped" -gt 0 ]; then
		printf '%s: %d passed, %d failed, %d skipped\n' "$t_suite" "$t_passed" "$t_failed" "$t_skipped"
	else
		printf '%s: %d passed, %d failed\n' "$t_suite" "$t_passed" "$t_failed"
	fi
	[ "$t_failed" -eq 0 ] || exit 1
	[ "$t_passed" -eq 0 ] && [ "$t_skipped" -gt 0 ] && exit 77
	exit 0
}
