#!/bin/sh
# Runs every test suite of `make check` and ends with one summary line:
# "pypin: N passed, N failed[, N skipped]".  Exit status 0 only if none failed.
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Check's summary: "100%: Checks: N, Failures: F, Errors: E"
(cd tests && $TEST_WRAPPER ./build/check_pypin) > "$log" 2>&1
rc=$?
cat "$log"
set -- $(sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' "$log")
if [ $# -eq 3 ]; then
	passed=$((passed + $1 - $2 - $3)) failed=$((failed + $2 + $3))
fi
[ $rc -eq 0 ] || [ $# -eq 3 ] || failed=$((failed + 1))

# Integration suites: last line "SUITE: N passed, N failed[, N skipped]"
for suite in tests/selftest.sh tests/integration.sh tests/hostile.sh tests/fuzz.sh tests/stress.sh \
	tests/launcher.sh tests/settings.sh tests/install.sh tests/system.sh tests/secure.sh tests/man.sh tests/hacking.sh tests/choose.sh tests/pyo3/run.sh \
	tests/package.sh tests/i386.sh \
	tests/keep.sh tests/keep-system.sh; do
	[ -f "$suite" ] || { echo "$suite: missing"; failed=$((failed + 1)); continue; }
	sh "$suite" > "$log" 2>&1
	rc=$?
	cat "$log"
	set -- $(tail -n 1 "$log" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}$/\1 \2 \4/p')
	if [ $# -ge 2 ]; then
		passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + ${3:-0}))
	fi
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && { [ $# -lt 2 ] || [ "$2" -eq 0 ]; }; then
		echo "$suite: exited with status $rc"
		failed=$((failed + 1))
	fi
done

printf 'pypin: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
