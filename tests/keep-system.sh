#!/bin/sh
# keep in system-wide mode, where only this test can see it (a private mount
# namespace with overlays on /etc and /usr/local, as tests/system.sh does):
#
#  - `make install` puts the companion beside libpypin.so, and `keep = yes` in
#    /etc/pypin.conf makes an unmodified host's plugin survive reloading;
#  - secure-execution mode: a setuid-root host run by nobody ignores
#    PYPIN_KEEP from the environment, obeys the file, and loads no companion
#    that someone other than root could have changed.
#
# Skipped (exit 77) only when the namespace or the overlays cannot be made.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
why=
[ "$(id -u)" = 0 ] || why="needs root: it installs as root, and runs a setuid-root host as nobody"
t_unshare "$why" "$@"
unset PYPIN_KEEP

t_namespace "keep in system-wide mode" /etc /usr/local /var/lib/dpkg tmpfs:/mnt

# The machine runs only its own architecture's programs, as far as
# install-system can tell (it installs the native library alone then).
if command -v dpkg >/dev/null 2>&1; then dpkg --print-architecture > /var/lib/dpkg/arch; fi
rm -f /etc/ld.so.preload /etc/pypin.conf
PYPIN=/usr/local/bin/pypin
# In /mnt (tmpfs, mode 755, reachable by nobody): the host (plain and
# setuid-root), the plugin, and a directory anyone can write the atexit log to.
S=/mnt
cp "$BUILD/host" $S/host-plain && chmod 755 $S/host-plain
cp "$BUILD/host" $S/host-setuid && chmod 4755 $S/host-setuid
cp "$BUILD/tst-keep-mod1.so" $S/
mkdir $S/log && chmod 1777 $S/log
LOG=$S/log/atexit
# bare [VAR=VALUE]... CMD...: an unmodified host, with no environment but these.
bare() { rm -f $LOG; run env -i PATH=/usr/bin:/bin TST_KEEP_LOG=$LOG "$@"; }
as_nobody() {
	rm -f $LOG
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		env -i PATH=/usr/bin:/bin TST_KEEP_LOG=$LOG "$@"
}
# kept N: the last run gave numpy's answer in N cycles of one interpreter and
# ran each cycle's atexit handler once.
kept() {
	[ "$t_rc" -eq 0 ] && out_has "^RESULT cycle=$1 sum=55 starts=$1 " &&
		[ "$(grep -c '^RESULT cycle=[0-9]* sum=55 ' "$t_out/out")" -eq "$1" ] &&
		seq 1 "$1" | sed 's/^/atexit /' | cmp -s - $LOG
}
# crashed: cycle 1 worked, cycle 2 did not.
crashed() {
	[ "$t_rc" -ne 0 ] && out_has '^RESULT cycle=1 sum=55 ' && ! out_has '^RESULT cycle=2 sum=55 '
}

t_begin "make install puts libpypin-keep.so beside libpypin.so"
run make -s -C "$TOP" install prefix=/usr/local
if [ "$t_rc" -eq 0 ] && [ -f /usr/local/lib/pypin/libpypin.so ] &&
   [ -f /usr/local/lib/pypin/libpypin-keep.so ]; then t_pass; else t_fail "not installed"; fi
t_begin "install-system"
run $PYPIN install-system
expect 0 "^pypin: installed: /usr/local/lib/pypin/libpypin.so added to /etc/ld.so.preload\$"

t_begin "system-wide, keep off: the unmodified host's plugin crashes on its second start"
bare $S/host-plain -n 3 $S/tst-keep-mod1.so
if crashed; then t_pass; else t_fail "expected cycle 2 to fail (status $t_rc)"; fi

t_begin "system-wide, keep = yes in /etc/pypin.conf: the installed companion keeps it"
printf 'keep = yes\ndebug = yes\n' > /etc/pypin.conf
bare $S/host-plain -n 3 $S/tst-keep-mod1.so
if kept 3; then expect_ok 'keep: /usr/local/lib/pypin/libpypin-keep.so loaded before the libpython'
else t_fail "expected 3 kept cycles"; fi

t_begin "setuid root, run by nobody: PYPIN_KEEP=1 in the environment is ignored"
rm -f /etc/pypin.conf
as_nobody PYPIN_KEEP=1 $S/host-setuid -n 3 $S/tst-keep-mod1.so
if crashed; then t_pass; else t_fail "expected cycle 2 to fail as without keep (status $t_rc)"; fi

t_begin "setuid root, run by nobody: keep = yes in the file counts"
printf 'keep = yes\n' > /etc/pypin.conf
as_nobody $S/host-setuid -n 3 $S/tst-keep-mod1.so
if kept 3; then t_pass; else t_fail "expected 3 kept cycles (status $t_rc)"; fi

t_begin "setuid root: a companion owned by a user other than root is not loaded"
chown nobody /usr/local/lib/pypin/libpypin-keep.so
printf 'keep = yes\ndebug = yes\n' > /etc/pypin.conf
as_nobody $S/host-setuid -n 1 $S/tst-keep-mod1.so
if out_has 'kept the interpreter'; then t_fail "the companion was loaded"
else expect_ok 'keep: /usr/local/lib/pypin/libpypin-keep.so: .*; nothing kept'; fi
t_begin "not setuid: the same companion is loaded (only secure-execution mode asks)"
bare $S/host-plain -n 1 $S/tst-keep-mod1.so
expect_ok 'kept the interpreter'
chown root /usr/local/lib/pypin/libpypin-keep.so

rm -f /etc/pypin.conf
$PYPIN uninstall-system >/dev/null
t_end
