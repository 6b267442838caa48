# Shared helpers for pypin's integration tests (POSIX sh, sourced).
#
# A test script sources this file, calls `t_begin NAME` ... `t_pass` / `t_fail MSG`
# / `t_skip WHY` for each case, and ends with `t_end`, which prints a summary
# line "NAME: N passed, N failed[, N skipped]" and exits 0 (all passed), 1 (a
# failure) or 77 (everything skipped).
#
# No case can vanish: a case opened by t_begin and not recorded by the time the
# next one opens, or by t_end, is a FAIL; so is a result recorded with no case
# open (a second result for one case), a suite that records no case at all, and
# a suite that stops before t_end (it still prints a summary line).
#
# Variables a script may rely on:
#   TOP        the source tree
#   BUILD      tests/build (fixtures built by `make check`)
#   LIBPYPIN   the library under test (defaults to the build tree's); always a
#              path LD_PRELOAD can hold (see below)
#   T_TIMEOUT  seconds a single command may take before it counts as hung
#   T_WRAPPER  $TEST_WRAPPER (e.g. "valgrind -q"): run and run_pypin put it
#              right before the host, after any `env` and its settings
#   t_cleanup  commands to run at exit before $t_out is removed (lib.sh owns
#              the EXIT trap: a script that sets its own loses the check that
#              it reached t_end)
#
# A suite that changes the system (/etc, /usr, ...) does it where only it can
# see it: `t_unshare WHY "$@"` re-executes it in a private mount namespace,
# then `t_namespace CASE DIR...` mounts overlays on the DIRs (see below).

TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$TOP/tests/build}
LIBPYPIN=${LIBPYPIN:-$TOP/preload/libpypin.so}
# What the suite was given, for t_unshare to hand on when it re-executes it.
t_env_libpypin=$LIBPYPIN t_env_valgrind=${VALGRIND_OPTS-} t_env_valgrind_set=${VALGRIND_OPTS+1}
T_TIMEOUT=${T_TIMEOUT:-120}
T_WRAPPER=${TEST_WRAPPER:-}
# A make a suite runs is a make of its own, as a user's would be: not a part
# of `make -j2 check`, whose jobserver and command-line settings it would
# otherwise be handed (and say so on its output).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

t_passed=0 t_failed=0 t_skipped=0 t_name= t_open= t_ended= t_cleanup= t_ns_why=
t_suite=$(basename "$0" .sh)
t_out=$(mktemp -d "${TMPDIR:-/tmp}/pypin-test.XXXXXX")
trap t_exit EXIT

# Never inherit a pypin from the caller: each case says whether it wants one
# (the settings too: at the end of this file).
unset LD_PRELOAD
# pyenv's shims on an inherited PATH select the system's python (the next on
# PATH), whatever the caller's pyenv version: a case that wants a pyenv Python
# names it.
PYENV_VERSION=system
export PYENV_VERSION

# The loader splits LD_PRELOAD at white space and colons, so a tree cloned at
# such a path cannot preload its own library: the tests preload a copy, with
# the companions pypin looks for beside it (libpypin-keep.so).
case $LIBPYPIN in
*[[:space:]:]*)
	mkdir "$t_out/lib"
	cp "$LIBPYPIN" "$t_out/lib/libpypin.so" || exit 1
	for t_f in "${LIBPYPIN%/*}"/libpypin-*.so; do
		[ ! -f "$t_f" ] || cp "$t_f" "$t_out/lib/" || exit 1
	done
	LIBPYPIN=$t_out/lib/libpypin.so ;;
esac

# Under TEST_WRAPPER="valgrind ...": no reports about the loader itself, which
# come without pypin as well (VALGRIND_OPTS is split at white space: a copy).
cp "$TOP/tests/valgrind.supp" "$t_out/valgrind.supp" &&
	export VALGRIND_OPTS="${VALGRIND_OPTS:+$VALGRIND_OPTS }--suppressions=$t_out/valgrind.supp"

t_begin() {
	[ -z "$t_open" ] || t_fail "never recorded: no PASS, FAIL or SKIP before the next case"
	t_name=$1 t_open=1
}
# t_close RESULT: closes the open case; false (and a FAIL) when none is open.
t_close() {
	[ -n "$t_open" ] && { t_open=; return 0; }
	t_failed=$((t_failed + 1))
	printf 'FAIL: %s: %s recorded with no case open (a second result?)\n' "$t_name" "$1"
	return 1
}
t_pass() { t_close PASS || return 0; t_passed=$((t_passed + 1)); printf 'PASS: %s\n' "$t_name"; }
t_skip() { t_close SKIP || return 0; t_skipped=$((t_skipped + 1)); printf 'SKIP: %s (%s)\n' "$t_name" "$*"; }
t_fail() {
	t_open=
	t_failed=$((t_failed + 1))
	printf 'FAIL: %s: %s\n' "$t_name" "$*"
	if [ -s "$t_out/out" ]; then sed 's/^/    | /' "$t_out/out" | head -n 40; fi
}

# run CMD...: runs with a time bound, output (stdout+stderr) in $t_out/out,
# exit status in $t_rc (124 when it hung).  CMD may start with `env` and its
# settings (NAME=VALUE, -i, -u NAME, -C DIR): $T_WRAPPER goes after them, so
# that it wraps the host, not env.
run() {
	if [ -n "$T_WRAPPER" ]; then
		t_n=$# t_state=start
		while [ "$t_n" -gt 0 ]; do
			t_arg=$1
			shift
			case $t_state:$t_arg in
			start:env|env:env) t_state=env ;;
			env:-C|env:-u|env:--chdir|env:--unset) t_state=value ;;
			value:*) t_state=env ;;
			env:-i|env:--ignore-environment|env:[A-Za-z_]*=*) ;;
			done:*) ;;
			*) set -- "$@" $T_WRAPPER; t_state=done ;;
			esac
			set -- "$@" "$t_arg"
			t_n=$((t_n - 1))
		done
		[ "$t_state" = done ] || set -- "$@" $T_WRAPPER
	fi
	# A wrapped host is slower; the bound is only there to catch a hang.
	t_limit=$T_TIMEOUT
	[ -z "$T_WRAPPER" ] || t_limit=$((T_TIMEOUT * 20))
	timeout -k 5 "$t_limit" "$@" >"$t_out/out" 2>&1
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

t_summary() {
	if [ "$t_skipped" -gt 0 ]; then
		printf '%s: %d passed, %d failed, %d skipped\n' "$t_suite" "$t_passed" "$t_failed" "$t_skipped"
	else
		printf '%s: %d passed, %d failed\n' "$t_suite" "$t_passed" "$t_failed"
	fi
}

# t_unshare WHY ARG...: unless WHY (why the suite cannot have a namespace: not
# root, a tool missing) is given or unshare -m fails, re-executes the suite
# (with its arguments ARG...) in a private mount namespace, once.  Call it
# before the first case.  Sets t_ns_why: empty in the namespace, otherwise why
# there is none (t_namespace skips with it).
t_unshare() {
	t_ns_why=$1
	shift
	[ -z "${pypin_test_namespace:-}" ] || { t_ns_why=; return 0; }
	if [ -z "$t_ns_why" ] && ! unshare -m --propagation private true 2>/dev/null; then
		t_ns_why="unshare -m failed: mount namespaces are not available here"
	fi
	[ -z "$t_ns_why" ] || return 0
	pypin_test_namespace=$(readlink /proc/self/ns/mnt)
	export pypin_test_namespace
	# The suite starts afresh: none of this shell's files, settings or trap.
	trap - EXIT
	rm -rf "$t_out"
	LIBPYPIN=$t_env_libpypin
	if [ -n "$t_env_valgrind_set" ]; then VALGRIND_OPTS=$t_env_valgrind; else unset VALGRIND_OPTS; fi
	exec unshare -m --propagation private sh "$0" "$@"
}

# t_namespace CASE [DIR | tmpfs:DIR]...: the suite goes on only in the private
# namespace t_unshare made: without one, CASE is skipped (with t_ns_why) and
# the suite ends; in the namespace it started in, it stops.  Then mounts a
# tmpfs (mode 700) on $t_out/ov and, in order, an overlay on each DIR (its
# changes in $t_out/ov) or an empty tmpfs (mode 755, reachable by nobody) on
# tmpfs:DIR; all are unmounted at exit.  When one cannot be mounted, CASE is
# skipped and the suite ends.
t_namespace() {
	t_ns_case=$1
	shift
	if [ -n "${t_ns_why-}" ] || [ -z "${pypin_test_namespace:-}" ]; then
		t_begin "$t_ns_case"
		t_skip "${t_ns_why:-no private mount namespace (t_unshare was not called)}"
		t_end
	fi
	# Never go on in the namespace the suite was started in.
	if [ "$(readlink /proc/self/ns/mnt)" = "$pypin_test_namespace" ]; then
		echo "$t_suite: not in a private mount namespace; stopping" >&2
		exit 1
	fi
	[ $# -gt 0 ] || return 0
	ov=$t_out/ov
	mkdir -p "$ov"
	t_ns_dirs=
	for t_ns_spec; do t_ns_dirs="$t_ns_dirs ${t_ns_spec#tmpfs:}"; done
	t_cleanup="${t_cleanup:+$t_cleanup; }umount -l$t_ns_dirs \"\$t_out/ov\" 2>/dev/null"
	if mount -t tmpfs -o mode=700 pypin-test "$ov"; then
		for t_ns_spec; do
			t_ns_dir=${t_ns_spec#tmpfs:}
			t_ns_label=$(printf '%s' "${t_ns_dir#/}" | tr / -)
			if [ "$t_ns_spec" != "$t_ns_dir" ]; then
				mount -t tmpfs -o mode=755 "pypin-test-$t_ns_label" "$t_ns_dir" || break
			else
				mkdir -p "$ov/$t_ns_label/upper" "$ov/$t_ns_label/work" &&
					mount -t overlay "pypin-test-$t_ns_label" \
						-o "lowerdir=$t_ns_dir,upperdir=$ov/$t_ns_label/upper,workdir=$ov/$t_ns_label/work" \
						"$t_ns_dir" || break
			fi
			shift
		done
	fi
	if [ $# -gt 0 ]; then
		t_begin "$t_ns_case"
		t_skip "could not mount the overlays in the private namespace"
		t_end
	fi
}

t_end() {
	[ -z "$t_open" ] || t_fail "never recorded: no PASS, FAIL or SKIP before the end"
	if [ $((t_passed + t_failed + t_skipped)) -eq 0 ]; then
		t_name=$t_suite
		t_fail "no case was recorded"
	fi
	t_ended=1
	t_summary
	[ "$t_failed" -eq 0 ] || exit 1
	[ "$t_passed" -eq 0 ] && [ "$t_skipped" -gt 0 ] && exit 77
	exit 0
}

# A suite that stops without t_end (an exit, an error of the shell) fails, with
# a summary line all the same.
t_exit() {
	t_status=$?
	eval "$t_cleanup"
	rm -rf "$t_out"
	[ -z "$t_ended" ] || return
	[ -z "$t_open" ] || t_fail "never recorded: the suite stopped in this case"
	t_name=$t_suite
	t_fail "stopped before t_end (status $t_status)"
	t_summary
	exit 1
}

# The settings are the table's own (pypin-inspect settings), so that a new one
# cannot leak in from the caller either.
t_settings=$("$TOP/tools/pypin-inspect" settings 2>/dev/null | cut -f1)
if [ -z "$t_settings" ]; then
	echo "$t_suite: $TOP/tools/pypin-inspect settings printed no setting (run make first)" >&2
	exit 1
fi
unset $t_settings
