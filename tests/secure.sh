#!/bin/sh
# Secure-execution mode, and faults that must neither hang a host nor mislead
# it.  Each case that shows pypin doing right also shows what goes wrong
# without the rule it tests (or what the plain loader does).
#
#  - faults, run under LD_PRELOAD: fork() while another thread sets the
#    interpreter's home; dlopen from a signal handler during the first
#    decision; a refusal inside a successful dlopen and dlerror(); malloc
#    failing on the inspection path;
#  - secure-execution mode, in a private mount namespace (overlays on /etc, a
#    tmpfs on /mnt, as tests/system.sh), with /etc/ld.so.preload naming the
#    build's library and a setuid-root host run by nobody: the configuration
#    file and the files it names count only when they are root's alone; no
#    file contents in warnings; the loader's effective ids; the interpreter
#    ignores PYTHONPATH.
#
# The secure-mode cases are skipped when the namespace cannot be made.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ns_why=
if [ "$(id -u)" != 0 ]; then
	ns_why="needs root: it runs a setuid-root host as nobody"
elif ! command -v setpriv >/dev/null 2>&1; then
	ns_why="needs setpriv (util-linux)"
fi
t_unshare "$ns_why" "$@"

SEC=$BUILD/secure
# LD_PRELOAD splits at spaces: the preloaded libraries are copied to a path
# without any, wherever the project lies.
pre=$t_out/preload
mkdir -p "$pre"
cp "$LIBPYPIN" "$pre/libpypin.so"
cp "$SEC/sig-shim.so" "$SEC/failmalloc.so" "$pre/"
# A hang is what these cases look for: a shorter bound than the default.
hang_bound=${T_TIMEOUT_HANG:-30}

# --- faults (LD_PRELOAD) --------------------------------------------------------

t_begin "fork while another thread sets the interpreter's home: without pypin, the child loads the plugin"
T_TIMEOUT=$hang_bound run "$SEC/fork-host" "$SEC/tst-fork-mod1.so"
expect 0 '^child: dlopen ok$' '^child: exit status 0$'
t_begin "fork while another thread sets the interpreter's home: with pypin, the child does too (no spin)"
T_TIMEOUT=$hang_bound run env LD_PRELOAD="$pre/libpypin.so" PYPIN_PYTHON=/bin/sh \
	"$SEC/fork-host" "$SEC/tst-fork-mod1.so"
if ! out_has '^main: the thread is setting the program name; forking$'; then
	t_fail "the fork did not happen while the program name was being set"
else
	expect 0 '^child: dlopen ok$' '^child: exit status 0$' '^thread: dlopen ok$'
fi

# pid 1 forking into a new pid namespace: the child is pid 1 too, so a pid
# cannot tell it from its parent.
if [ "$(id -u)" != 0 ] || ! unshare -pf --kill-child true 2>/dev/null; then
	t_begin "fork from pid 1 into a new pid namespace while another thread sets the interpreter's home"
	t_skip "needs root and pid namespaces (unshare -pf)"
else
	t_begin "fork from pid 1 into a new pid namespace while another thread sets the home: without pypin, the child loads the plugin"
	T_TIMEOUT=$hang_bound run unshare -pf --kill-child "$SEC/fork-host" -p "$SEC/tst-fork-mod1.so"
	expect 0 '^child: pid 1, parent pid 0$' '^child: dlopen ok$' '^child: exit status 0$'
	t_begin "fork from pid 1 into a new pid namespace while another thread sets the home: with pypin, the child does too"
	T_TIMEOUT=$hang_bound run unshare -pf --kill-child env LD_PRELOAD="$pre/libpypin.so" PYPIN_PYTHON=/bin/sh \
		"$SEC/fork-host" -p "$SEC/tst-fork-mod1.so"
	if ! out_has '^main: the thread is setting the program name; forking$'; then
		t_fail "the fork did not happen while the program name was being set"
	else
		expect 0 '^child: pid 1, parent pid 0$' '^child: dlopen ok$' '^child: exit status 0$'
	fi
fi

# A waiter of higher real-time priority on the same CPU as the thread setting
# the home: it must sleep, not spin, or that thread never runs again.
t_begin "SCHED_FIFO 50 opening a plugin while a SCHED_FIFO 1 thread on the same CPU sets the home: without pypin"
T_TIMEOUT=$hang_bound run "$SEC/fork-host" -r "$SEC/tst-fork-mod1.so"
if [ "$t_rc" -eq 77 ]; then
	t_skip "real-time priorities not permitted here (needs CAP_SYS_NICE): $(head -n 1 "$t_out/out")"
else
	expect 0 '^main: dlopen ok$' '^thread: dlopen ok$'
	t_begin "SCHED_FIFO 50 opening a plugin while a SCHED_FIFO 1 thread on the same CPU sets the home: with pypin, no hang"
	T_TIMEOUT=$hang_bound run env LD_PRELOAD="$pre/libpypin.so" PYPIN_PYTHON=/bin/sh \
		"$SEC/fork-host" -r "$SEC/tst-fork-mod1.so"
	if ! out_has '^main: the thread is setting the program name$'; then
		t_fail "the main thread did not open the plugin while the program name was being set"
	else
		expect 0 '^main: dlopen ok$' '^thread: dlopen ok$'
	fi
fi

sig_case() {  # sig_case KIND: SIGUSR1 raised in pypin's first call of KIND
	t_begin "a signal handler's dlopen during the first decision ($1): the plain loader returns both"
	T_TIMEOUT=$hang_bound run env LD_PRELOAD="$pre/sig-shim.so" TST_SIGNAL_ON=$1 \
		"$SEC/sig-host" "$BUILD/tst-plain-mod1.so" "$BUILD/tst-plain-mod2.so"
	expect 0 '^main: dlopen ok$' '^handler: dlopen ok$'
	t_begin "a signal handler's dlopen during the first decision ($1): with pypin, no deadlock"
	T_TIMEOUT=$hang_bound run env LD_PRELOAD="$pre/libpypin.so $pre/sig-shim.so" TST_SIGNAL_ON=$1 \
		"$SEC/sig-host" "$BUILD/tst-plain-mod1.so" "$BUILD/tst-plain-mod2.so"
	if [ "$t_rc" -eq 124 ] || [ "$t_rc" -eq 137 ]; then
		t_fail "hung (deadlocked)"
	elif ! out_has '^signal: during the dlopen$'; then
		t_fail "the signal did not arrive during the decision"
	else
		expect 0 '^main: dlopen ok$' '^handler: dlopen ok$'
	fi
}
sig_case open      # reading the configuration file
sig_case getenv    # reading the environment (pypin_init)

# dlerror() after a failure nobody asked about: the loader drops an error at the
# next dl* call; pypin's refusal (a helper for Python 3.99 once 3.11 runs)
# must be dropped the same way.
REFUSED=$BUILD/tst-conflict-mod1.so
MISSING=$BUILD/tst-no-such-mod1.so
dlerr_same() {  # dlerr_same NAME: this run's lines equal the plain loader's
	grep -v '^right after the failure' "$t_out/out" > "$t_out/$1"
	if cmp -s "$t_out/plain-$1" "$t_out/$1"; then
		return 0
	fi
	t_fail "differs from the plain loader: $(diff "$t_out/plain-$1" "$t_out/$1" | tr '\n' ' ')"
	return 1
}
t_begin "dlerror after a nested failure: the plain loader reports nothing once dlsym succeeds"
run env TST_HELPER="$MISSING" "$SEC/dlerr-host" nested "$SEC/tst-outer-mod1.so"
grep -v '^right after the failure' "$t_out/out" > "$t_out/plain-nested"
expect 0 '^nested dlsym found entry: dlerror=(null)$'
t_begin "dlerror after a refusal inside a successful dlopen: the same as the plain loader"
run env LD_PRELOAD="$pre/libpypin.so" PYPIN_DEBUG=1 TST_HELPER="$REFUSED" "$SEC/dlerr-host" nested "$SEC/tst-outer-mod1.so"
if ! out_has 'tst-conflict-mod1.so: .*refused: '; then
	t_fail "the helper was not refused"
else
	grep -v '^pypin\[' "$t_out/out" > "$t_out/out.lines" && mv "$t_out/out.lines" "$t_out/out"
	dlerr_same nested && expect 0
fi
t_begin "dlerror after sequential failures: the plain loader"
run "$SEC/dlerr-host" sequential "$SEC/tst-outer-mod1.so" "$MISSING"
grep -v '^right after the failure' "$t_out/out" > "$t_out/plain-sequential"
expect 0 '^dlsym after a failure: found: dlerror=(null)$' \
	'^right after the failure: dlerror=.*tst-no-such-mod1.so: cannot open shared object file' \
	'^and again: dlerror=(null)$'
t_begin "dlerror after sequential refusals: dropped by the next dl* call, reported right after"
run env LD_PRELOAD="$pre/libpypin.so" "$SEC/dlerr-host" sequential "$SEC/tst-outer-mod1.so" "$REFUSED"
if dlerr_same sequential; then
	expect 0 '^right after the failure: dlerror=pypin: .*tst-conflict-mod1.so needs libpython3.99.so.1.0, but this process already runs Python 3.11'
fi

# malloc failing (for good) after N calls, during the one dlopen call: the
# result is the loader's own (a handle, or its error), never pypin's text, a
# line of pypin's on stderr, a crash or a hang.  Without pypin the same calls fail the same ways.
malloc_case() {  # malloc_case WITH LIB: WITH is "plain" or "pypin"
	bad=
	n=0
	while [ $n -le 40 ]; do
		if [ "$1" = pypin ]; then
			T_TIMEOUT=$hang_bound run env LD_PRELOAD="$pre/libpypin.so $pre/failmalloc.so" \
				"$SEC/dlerr-host" malloc "$2" $n
		else
			T_TIMEOUT=$hang_bound run env LD_PRELOAD="$pre/failmalloc.so" \
				"$SEC/dlerr-host" malloc "$2" $n
		fi
		if [ "$t_rc" -ne 0 ]; then
			bad="$bad N=$n: status $t_rc;"
		elif out_has '^pypin\['; then
			bad="$bad N=$n: $(grep '^pypin\[' "$t_out/out" | head -n 1);"
		elif ! out_has '^malloc: loaded: dlerror=(null)$' &&
		     ! out_has '^malloc: failed: dlerror=[^(p]'; then
			bad="$bad N=$n: $(grep '^malloc:' "$t_out/out");"
		fi
		n=$((n + 1))
	done
	if [ -z "$bad" ]; then t_pass; else t_fail "$bad"; fi
}
for lib in tst-plain-mod1.so tst-missing-mod1.so tst-no-such-mod1.so; do
	t_begin "malloc failing after N calls, without pypin: dlopen $lib gives the loader's result"
	malloc_case plain "$BUILD/$lib"
	t_begin "malloc failing after N calls, with pypin: dlopen $lib gives the loader's result"
	malloc_case pypin "$BUILD/$lib"
done
t_begin "malloc failing after N calls: a bare name searched for gives the loader's result"
malloc_case pypin libpypin-no-such-library.so

# A plugin that names no libpython: out of memory, pypin cannot examine the
# candidates, and must not take that for "nothing fits" and refuse it.  (One
# outcome is Python's, not pypin's: from 3.8 on Py_SetProgramName aborts when
# its one allocation fails; pypin tries one of that size first, which an
# allocator failing at exactly that call defeats.  It is told apart below.)
t_begin "malloc failing after N calls: a plugin that needs Python is never refused for want of memory"
bad=
n=0
while [ $n -le 80 ]; do
	T_TIMEOUT=$hang_bound run env LD_PRELOAD="$pre/libpypin.so $pre/failmalloc.so" PYPIN_DEBUG=1 \
		"$SEC/dlerr-host" malloc "$BUILD/tst-embed-nolink-mod1.so" $n
	if out_has 'refused\|dlerror=pypin'; then
		bad="$bad N=$n: refused;"
	elif [ "$t_rc" -ne 0 ] && ! out_has '^Fatal Python error: Py_SetProgramName: out of memory'; then
		bad="$bad N=$n: status $t_rc;"
	fi
	n=$((n + 1))
done
if [ -z "$bad" ]; then t_pass; else t_fail "$bad"; fi

# --- secure-execution mode (a private mount namespace) ---------------------------

t_namespace "secure-execution mode" /etc tmpfs:/mnt

PRELOAD=/etc/ld.so.preload
CONF=/etc/pypin.conf
rm -f $PRELOAD $CONF
RESULT='RESULT numpy=55'

# In /mnt (tmpfs, root's, mode 755): the library, a setuid-root and a plain
# copy of the host, the plugins, the hostile libpython, where marks are left.
S=/mnt
mkdir $S/lib $S/hostile $S/mark && chmod 1777 $S/mark
cp "$LIBPYPIN" $S/lib/libpypin.so && chmod 644 $S/lib/libpypin.so
cp "$BUILD/host" $S/host-setuid && chmod 4755 $S/host-setuid
cp "$BUILD/host" $S/host-plain && chmod 755 $S/host-plain
cp "$BUILD/tst-embed-nolink-mod1.so" "$BUILD/tst-embed-mod1.so" \
	"$SEC/tst-embed-rootonly-mod1.so" $S/
cp "$BUILD/hostile/libpython3.11.so.1.0" $S/hostile/
HOSTILE=$S/hostile/libpython3.11.so.1.0
MARK=$S/mark/loaded
NOLINK=$S/tst-embed-nolink-mod1.so
# Names libpython3.11, so that a hostile file (which defines no Py symbols) of
# that soname fits it.
EMBED=$S/tst-embed-mod1.so
echo $S/lib/libpypin.so > $PRELOAD

as_nobody() {
	rm -f $S/mark/*
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		env -i PATH=/usr/bin:/bin TST_MARKER=$MARK "$@"
}
marked() { [ -e $MARK ]; }
debug_lines() { grep -c '^pypin\[[0-9]*\]: [^w]' "$t_out/out"; }
warnings() { grep -c '^pypin\[[0-9]*\]: warning: ' "$t_out/out"; }
conf() { printf "$1" > $CONF && chmod 644 $CONF; }

# 1. The configuration file, and the path to it.
t_begin "pypin.conf root's alone: a setuid host run by nobody obeys it (debug = 1)"
conf 'debug = 1\n'
as_nobody $S/host-setuid $NOLINK
if [ "$(debug_lines)" -gt 0 ]; then expect 0 "$RESULT"; else t_fail "no debug lines"; fi

t_begin "pypin.conf in a directory nobody owns: ignored, one warning with the reason"
chown 65534 /etc
as_nobody $S/host-setuid $NOLINK
chown 0 /etc
if [ "$(debug_lines)" -ne 0 ]; then
	t_fail "the file was obeyed"
elif [ "$(warnings)" -ne 1 ]; then
	t_fail "$(warnings) warnings, expected 1"
else
	expect 0 "$RESULT" "warning: $CONF: a directory on its path is not owned by root; ignored\$"
fi

t_begin "pypin.conf linked to a file in a directory nobody owns: ignored, one warning"
mkdir $S/nobody && chown 65534 $S/nobody
printf 'debug = 1\n' > $S/nobody/pypin.conf && chmod 644 $S/nobody/pypin.conf
rm -f $CONF && ln -s $S/nobody/pypin.conf $CONF
as_nobody $S/host-setuid $NOLINK
if [ "$(debug_lines)" -ne 0 ]; then
	t_fail "the file was obeyed"
elif [ "$(warnings)" -ne 1 ]; then
	t_fail "$(warnings) warnings, expected 1"
else
	expect 0 "$RESULT" "warning: $CONF: a symbolic link; ignored\$"
fi

t_begin "nobody swaps that file for /proc/self/environ: the setuid host loads nothing it names"
run setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh -c "rm -f $S/nobody/pypin.conf && ln -s /proc/self/environ $S/nobody/pypin.conf"
# The variable comes first in the environment, so that its text starts a line.
rm -f $S/mark/*
run setpriv --reuid=65534 --regid=65534 --clear-groups env -i "X=
libpython = $HOSTILE
debug = 1
" PATH=/usr/bin:/bin TST_MARKER=$MARK $S/host-setuid -m $EMBED
if marked || out_has "^mapped: $HOSTILE\$"; then
	t_fail "the hostile library was loaded"
elif out_has 'libpython = \|X=\|debug = 1'; then
	t_fail "the environment's text was echoed"
elif [ "$(warnings)" -ne 1 ]; then
	t_fail "$(warnings) warnings, expected 1"
else
	expect 0 "$RESULT" "warning: $CONF: "
fi
rm -rf $CONF $S/nobody

# 2. A libpython and python the file names, in a directory anyone can write to.
mkdir $S/ww && chmod 1777 $S/ww
cp "$HOSTILE" $S/ww/libpython3.11.so.1.0 && chmod 644 $S/ww/libpython3.11.so.1.0
cp /bin/true $S/ww/python3.11
conf "debug = 1\nlibpython = $S/ww/libpython3.11.so.1.0\npython = $S/ww/python3.11\n"
t_begin "pypin.conf's libpython in a 1777 directory, not setuid: used (the setting works)"
as_nobody $S/host-plain -m $EMBED
if marked && out_has "^mapped: $S/ww/libpython3.11.so.1.0\$"; then t_pass
else t_fail "the configured library was not loaded"; fi
t_begin "pypin.conf's libpython and python in a 1777 directory, setuid: passed over"
as_nobody $S/host-setuid -m $EMBED
if marked || out_has "^mapped: $S/ww/"; then
	t_fail "the library in the open directory was loaded"
else
	expect 0 "$RESULT" \
		"$CONF:2: libpython: a directory on its path is writable by group or others; passed over" \
		"$CONF:3: python: a directory on its path is writable by group or others; passed over"
fi
rm -rf $CONF $S/ww

# A python or libpython that is a symbolic link (/usr/bin/python3, a venv's
# bin/python) counts when the link and its target both lie in directories
# root's alone; a link into a directory others may write to does not.
mkdir -p $S/venv/bin $S/links $S/ww && chmod 1777 $S/ww
PY311=$(readlink -f /usr/bin/python3.11)
SYSLIBPYTHON=$(/usr/bin/python3.11 -c 'import sysconfig as s, os; print(os.path.join(s.get_config_var("LIBDIR"), s.get_config_var("INSTSONAME")))')
ln -s "$PY311" $S/venv/bin/python
ln -s "$SYSLIBPYTHON" $S/links/libpython3.11.so.1.0
cp "$SYSLIBPYTHON" $S/ww/libpython3.11.so.1.0
ln -s $S/ww/libpython3.11.so.1.0 $S/links/ww-libpython3.11.so.1.0
link_case() {  # link_case WHAT PATH: the setuid host takes PATH from the file
	conf "debug = 1\n$1 = $2\n"
	as_nobody $S/host-setuid -m $EMBED
}
for py in /usr/bin/python3 $S/venv/bin/python; do
	t_begin "pypin.conf's python a symbolic link ($py), setuid: not passed over"
	link_case python $py
	if out_has "$CONF:2: python: .*passed over"; then
		t_fail "passed over"
	else
		expect 0 "$RESULT" "; home $py)\$"
	fi
done
t_begin "pypin.conf's libpython a symbolic link to the system's, setuid: used"
link_case libpython $S/links/libpython3.11.so.1.0
if out_has "$CONF:2: libpython: .*passed over"; then t_fail "passed over"
else expect 0 "$RESULT" "pinned $S/links/libpython3.11.so.1.0 (loaded, libpython in $CONF;"; fi
t_begin "pypin.conf's libpython a symbolic link into a 1777 directory, setuid: passed over"
link_case libpython $S/links/ww-libpython3.11.so.1.0
expect 0 "$RESULT" "$CONF:2: libpython: a directory on its path is writable by group or others; passed over"
rm -rf $CONF $S/venv $S/links $S/ww

# File systems a user could mount with made-up owners: FUSE, and any mount
# without set-user-ID (how the kernel mounts a user's).  A nosuid tmpfs here.
mkdir $S/nosuid && mount -t tmpfs -o mode=755,nosuid pypin-test-nosuid $S/nosuid
cp "$SYSLIBPYTHON" $S/nosuid/libpython3.11.so.1.0
t_begin "pypin.conf's libpython on a file system mounted nosuid, not setuid: used (the setting works)"
conf "debug = 1\nlibpython = $S/nosuid/libpython3.11.so.1.0\n"
as_nobody $S/host-plain -m $EMBED
expect 0 "$RESULT" "^mapped: $S/nosuid/libpython3.11.so.1.0\$"
t_begin "pypin.conf's libpython on a file system mounted nosuid, setuid: passed over"
as_nobody $S/host-setuid -m $EMBED
if out_has "^mapped: $S/nosuid/"; then t_fail "the library on the nosuid mount was loaded"
else expect 0 "$RESULT" "$CONF:2: libpython: a directory on its path is on a file system mounted nosuid; passed over"; fi
t_begin "pypin.conf itself on a nosuid mount (a file bind-mounted nosuid): ignored, one warning"
printf 'debug = 1\n' > $S/nosuid/pypin.conf && chmod 644 $S/nosuid/pypin.conf
rm -f $CONF && : > $CONF
mount --bind $S/nosuid/pypin.conf $CONF && mount -o remount,bind,nosuid $CONF
as_nobody $S/host-setuid $NOLINK
umount $CONF
if [ "$(debug_lines)" -ne 0 ]; then
	t_fail "the file was obeyed"
elif [ "$(warnings)" -ne 1 ]; then
	t_fail "$(warnings) warnings, expected 1"
else
	expect 0 "$RESULT" "warning: $CONF: on a file system mounted nosuid; ignored\$"
fi
umount $S/nosuid && rm -rf $CONF $S/nosuid

# 3. The loader opens with the effective ids: a DT_RPATH into a directory only
# root may read is searched in a setuid-root host run by nobody.
mkdir -m 700 $S/pypin-rootonly
PYLIB=$(/usr/bin/python3.11 -c 'import sysconfig as s; print(s.get_config_var("LIBDIR") + "/" + s.get_config_var("INSTSONAME"))')
cp "$PYLIB" $S/pypin-rootonly/
ROOTONLY=$S/tst-embed-rootonly-mod1.so
t_begin "RPATH into a root-only directory, setuid, plain loader: it loads the libpython there"
rm -f $PRELOAD
as_nobody $S/host-setuid -k -m $ROOTONLY
echo $S/lib/libpypin.so > $PRELOAD
if out_has "^mapped: $S/pypin-rootonly/libpython3.11.so.1.0\$"; then t_pass
else t_fail "the plain loader did not load $S/pypin-rootonly/libpython3.11.so.1.0"; fi
t_begin "RPATH into a root-only directory, setuid: pypin pins what the loader loads"
as_nobody $S/host-setuid -k -m $ROOTONLY
if [ "$(grep -c '^mapped: ' "$t_out/out")" -ne 1 ]; then
	t_fail "not exactly one libpython mapped"
else
	expect 0 "$RESULT" "^mapped: $S/pypin-rootonly/libpython3.11.so.1.0\$"
fi
rm -rf $S/pypin-rootonly

# $ORIGIN in a plugin's DT_RUNPATH: in a setuid program the loader expands it
# where it starts an element and a '/' follows (glibc's _dl_dst_substitute),
# with no trusted-directory check for a dlopen'ed object.  The plugin bundles
# a pyenv 3.11 in $ORIGIN/py.
PY311_PYENV=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.11.*/lib/libpython3.11.so.1.0 2>/dev/null | head -n 1)
if [ -z "$PY311_PYENV" ]; then
	t_begin "\$ORIGIN/py in a plugin's RUNPATH, setuid"
	t_skip "no pyenv 3.11 under ${PYENV_ROOT:-$HOME/.pyenv}/versions"
else
	mkdir $S/origin $S/origin/py
	cp "$SEC/tst-embed-origin-mod1.so" $S/origin/
	cp "$PY311_PYENV" $S/origin/py/
	ORIGINPLUG=$S/origin/tst-embed-origin-mod1.so
	rm -f $PRELOAD
	t_begin "\$ORIGIN/py in a plugin's RUNPATH, setuid, plain loader: it loads the libpython there"
	as_nobody $S/host-setuid -e none -k -m $ORIGINPLUG
	echo $S/lib/libpypin.so > $PRELOAD
	expect 0 "^mapped: $S/origin/py/libpython3.11.so.1.0\$"
	t_begin "\$ORIGIN/py in a plugin's RUNPATH, setuid: pypin pins what the loader loads"
	as_nobody $S/host-setuid -e none -k -m $ORIGINPLUG
	if [ "$(grep -c '^mapped: ' "$t_out/out")" -ne 1 ]; then
		t_fail "not exactly one libpython mapped"
	else
		expect 0 "^mapped: $S/origin/py/libpython3.11.so.1.0\$"
	fi
	rm -rf $S/origin
fi

# 4. No file contents in secure-mode warnings.
conf 'secret_word_in_the_file = 1\ndebug = not-a-secret-value\n'
t_begin "pypin.conf with an unknown key and a bad value, not setuid: warnings name them"
as_nobody $S/host-plain $NOLINK
expect 0 "unknown key 'secret_word_in_the_file'" 'debug=not-a-secret-value is not a boolean'
t_begin "the same, setuid: warnings, but none of the file's text"
as_nobody $S/host-setuid $NOLINK
if out_has 'secret_word_in_the_file\|not-a-secret-value'; then
	t_fail "the file's text was echoed"
else
	expect 0 "$RESULT" "$CONF:1: unknown key; line ignored" "$CONF:2: debug is not a boolean"
fi
rm -f $CONF

# 5. The pinned interpreter ignores PYTHONPATH (and the other PYTHON* variables)
# and the current directory in a setuid host.
mkdir $S/pp
printf 'open("%s", "w").close()\n' "$S/mark/json" > $S/pp/json.py
t_begin "PYTHONPATH with a json.py, not setuid: Python imports it (the mark is made)"
as_nobody PYTHONPATH=$S/pp $S/host-plain $NOLINK
if [ -e $S/mark/json ]; then t_pass; else t_fail "json.py was not imported"; fi
for plugin in tst-embed-nolink-mod1.so tst-embed-mod1.so; do
	t_begin "PYTHONPATH with a json.py, setuid ($plugin): not imported, numpy still runs"
	as_nobody PYTHONPATH=$S/pp $S/host-setuid $S/$plugin
	if [ -e $S/mark/json ]; then t_fail "json.py was imported"; else expect 0 "$RESULT"; fi
done
t_begin "PYTHONHOME naming a directory without the standard library, not setuid: Python fails"
as_nobody PYTHONHOME=$S/pp $S/host-plain $NOLINK
expect_fail
t_begin "the same, setuid: ignored, numpy runs"
as_nobody PYTHONHOME=$S/pp $S/host-setuid $NOLINK
expect 0 "$RESULT"

# A plugin calling PySys_SetArgv(1, {L""}) puts '' (the current directory)
# first on sys.path unless the interpreter is isolated: a setuid host run by
# nobody from a directory holding json.py would import it as root.
cp "$SEC/tst-embed-argv-mod1.so" "$SEC/tst-embed-pyconfig-mod1.so" $S/
ARGV=$S/tst-embed-argv-mod1.so
rm -f $PRELOAD
t_begin "PySys_SetArgv(1, {L\"\"}) run from a directory with a json.py, setuid, plain loader: imported as root"
as_nobody TST_CODE='import json' env -C $S/pp $S/host-setuid $ARGV
if [ -e $S/mark/json ]; then t_pass; else t_fail "json.py was not imported"; fi
echo $S/lib/libpypin.so > $PRELOAD
t_begin "PySys_SetArgv(1, {L\"\"}) run from a directory with a json.py, setuid: not imported, numpy runs"
as_nobody env -C $S/pp $S/host-setuid $ARGV
if [ -e $S/mark/json ]; then t_fail "json.py was imported"; else expect 0 "$RESULT"; fi
# What libpypin(7) says pypin cannot do: an interpreter started from
# PyConfig_InitPythonConfig() reads PYTHONPATH whatever the global flags.
t_begin "a plugin starting Python from PyConfig_InitPythonConfig, setuid: PYTHONPATH still read (as documented)"
as_nobody PYTHONPATH=$S/pp $S/host-setuid $S/tst-embed-pyconfig-mod1.so
if [ -e $S/mark/json ]; then t_pass; else t_fail "json.py was not imported: libpypin(7) SECURITY says it is"; fi
# Python linked statically into the host, global before pypin acts and not yet
# started when the plugin is opened: pypin finds it present, pins nothing, and
# still sets the flags.
if [ -x "$SEC/host-pystatic" ]; then
	cp "$SEC/host-pystatic" $S/host-pystatic && chmod 4755 $S/host-pystatic
	rm -f $PRELOAD
	t_begin "Python in the setuid host itself, not yet started, plain loader: PYTHONPATH's json.py imported as root"
	as_nobody PYTHONPATH=$S/pp TST_CODE='import json' $S/host-pystatic $NOLINK
	if [ -e $S/mark/json ]; then t_pass; else t_fail "json.py was not imported"; fi
	echo $S/lib/libpypin.so > $PRELOAD
	t_begin "Python in the setuid host itself, not yet started: not imported, numpy runs"
	as_nobody PYTHONPATH=$S/pp $S/host-pystatic $NOLINK
	if [ -e $S/mark/json ]; then t_fail "json.py was imported"; else expect 0 "$RESULT"; fi
else
	t_begin "Python in the setuid host itself, not yet started"
	t_skip "no static libpython to link a host with ($SEC/host-pystatic not built)"
fi
rm -rf $S/pp

rm -f $PRELOAD
t_end
