#!/bin/sh
# System-wide mode, tested where only this test can see it: a private mount
# namespace with overlays on /etc, /usr/local and /var/lib/dpkg, so `make
# install` and `pypin install-system` write there and the real system is
# never touched.  dpkg's list of foreign architectures is emptied there (the
# 32-bit cases are tests/i386.sh's).
#
#  - install-system / uninstall-system: atomic, idempotent, other entries kept,
#    bad libraries refused, the trial set (a setuid program, AddressSanitizer);
#    a multiarch libdir gives the /usr/$LIB/... entry; unmodified hosts work
#    with no environment set;
#  - /etc/pypin.conf steers a system-wide pypin;
#  - secure-execution mode: a setuid-root host run by nobody with a hostile
#    PYPIN_LIBPYTHON or LD_LIBRARY_PATH does not load the hostile library.
#
# Skipped (exit 77) only when the namespace or the overlays cannot be made.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
why=
[ "$(id -u)" = 0 ] || why="needs root: it installs as root, and runs a setuid-root host as nobody"
t_unshare "$why" "$@"

# Overlays on /etc, /usr/local and /var/lib/dpkg, a tmpfs on /mnt for the
# setuid case (the test's own directory is not reachable by nobody).
t_namespace "system-wide mode" /etc /usr/local /var/lib/dpkg tmpfs:/mnt
# The machine runs only its own architecture's programs, as far as
# install-system can tell.
if command -v dpkg >/dev/null 2>&1; then dpkg --print-architecture > /var/lib/dpkg/arch; fi

PRELOAD=/etc/ld.so.preload
rm -f "$PRELOAD" /etc/pypin.conf
H=$BUILD/host
EMBED=$BUILD/tst-embed-mod1.so
NOLINK=$BUILD/tst-embed-nolink-mod1.so
RESULT='RESULT numpy=55'
# An unmodified host, started with no environment at all.
bare() { run env -i PATH=/usr/bin:/bin "$@"; }

t_begin "make install prefix=/usr/local (in the namespace)"
run make -s -C "$TOP" install prefix=/usr/local
INSTALLED=/usr/local/lib/pypin/libpypin.so
PYPIN=/usr/local/bin/pypin
if [ "$t_rc" -eq 0 ] && [ -f "$INSTALLED" ] && [ -x "$PYPIN" ]; then t_pass; else t_fail "not installed"; fi

# --- 1. install-system, uninstall-system -----------------------------------------

t_begin "before install-system: an unmodified host fails"
bare "$H" "$NOLINK"
expect_fail "undefined symbol: _\{0,1\}Py"

t_begin "install-system adds the installed library"
run $PYPIN install-system
expect 0 "^pypin: installed: $INSTALLED added to $PRELOAD\$"
t_begin "... and $PRELOAD holds exactly that entry, mode 644, owned by root"
if [ "$(cat $PRELOAD)" = "$INSTALLED" ] && [ "$(stat -c '%a %u' $PRELOAD)" = "644 0" ]; then
	t_pass
else
	t_fail "$PRELOAD: $(stat -c '%a %u' $PRELOAD): $(cat $PRELOAD)"
fi
t_begin "after install-system: the unmodified host works with no environment"
bare "$H" "$NOLINK"
expect_ok "$RESULT"
t_begin "after install-system: a plugin that names libpython works too"
bare "$H" "$EMBED"
expect_ok "$RESULT"
t_begin "install-system again: already installed, file untouched"
before=$(stat -c '%i %Y' $PRELOAD)
run $PYPIN install-system
if [ "$(stat -c '%i %Y' $PRELOAD)" = "$before" ]; then expect 0 '^pypin: already installed'
else t_fail "the file was rewritten"; fi
t_begin "no temporary file left in /etc"
left=$(ls -a /etc | grep '^ld\.so\.preload\.' || true)
if [ -z "$left" ]; then t_pass; else t_fail "left: $left"; fi

t_begin "uninstall-system removes the entry and the file it leaves empty"
run $PYPIN uninstall-system
if [ ! -e $PRELOAD ]; then expect 0 "^pypin: uninstalled"; else t_fail "$PRELOAD still there"; fi
t_begin "after uninstall-system: the unmodified host fails again"
bare "$H" "$NOLINK"
expect_fail "undefined symbol: _\{0,1\}Py"
t_begin "uninstall-system again: not installed"
run $PYPIN uninstall-system
expect 0 '^pypin: not installed'

t_begin "install-system and uninstall-system ignore PYPIN_PYTHON and PYPIN_LIBPYTHON naming nothing"
run env PYPIN_PYTHON=/nonexistent PYPIN_LIBPYTHON=/nonexistent $PYPIN install-system
if [ "$t_rc" -eq 0 ] && [ "$(cat $PRELOAD 2>&1)" = "$INSTALLED" ]; then
	run env PYPIN_PYTHON=/nonexistent PYPIN_LIBPYTHON=/nonexistent $PYPIN uninstall-system
	if [ ! -e $PRELOAD ]; then expect 0 '^pypin: uninstalled'; else t_fail "left: $(cat $PRELOAD)"; fi
else
	t_fail "install-system: status $t_rc; $PRELOAD: $(cat $PRELOAD 2>&1)"
fi
rm -f $PRELOAD

t_begin "uninstall-system --lib removes only the entries for that library"
mkdir -p /usr/local/lib/pypin-other
cp "$INSTALLED" /usr/local/lib/pypin-other/libpypin.so
printf '/usr/local/lib/pypin-other/libpypin.so\n%s\n' "$INSTALLED" > $PRELOAD
run $PYPIN --lib "$INSTALLED" uninstall-system
if [ "$(cat $PRELOAD 2>&1)" = /usr/local/lib/pypin-other/libpypin.so ]; then expect 0 '^pypin: uninstalled'
else t_fail "got: $(cat $PRELOAD 2>&1)"; fi
t_begin "... and says not installed when none is there"
run $PYPIN --lib "$INSTALLED" uninstall-system
if [ "$(cat $PRELOAD 2>&1)" = /usr/local/lib/pypin-other/libpypin.so ]; then
	expect 0 "^pypin: not installed: no entry for $INSTALLED in $PRELOAD\$"
else
	t_fail "got: $(cat $PRELOAD 2>&1)"
fi
rm -rf $PRELOAD /usr/local/lib/pypin-other

t_begin "other entries and comments are kept, and come back unchanged"
printf '# preloaded for every process\n/lib/x86_64-linux-gnu/libm.so.6\n' > $PRELOAD
cp $PRELOAD "$t_out/orig"
run $PYPIN install-system
if [ "$t_rc" -eq 0 ] && [ "$(sed -n 3p $PRELOAD)" = "$INSTALLED" ] &&
   [ "$(head -n 2 $PRELOAD)" = "$(cat "$t_out/orig")" ]; then
	run $PYPIN uninstall-system
	if cmp -s $PRELOAD "$t_out/orig"; then t_pass; else t_fail "not restored: $(cat $PRELOAD)"; fi
else
	t_fail "after install: $(cat $PRELOAD)"
fi
rm -f $PRELOAD

t_begin "another libpypin.so entry is replaced, others on its line kept"
mkdir -p /usr/local/lib/pypin-old
cp "$INSTALLED" /usr/local/lib/pypin-old/libpypin.so
printf '/usr/local/lib/pypin-old/libpypin.so /lib/x86_64-linux-gnu/libm.so.6\n' > $PRELOAD
run $PYPIN install-system
if [ "$(cat $PRELOAD)" = "/lib/x86_64-linux-gnu/libm.so.6
$INSTALLED" ]; then expect 0 '^pypin: replacing 1 other libpypin.so entry'
else t_fail "got: $(cat $PRELOAD)"; fi
rm -f $PRELOAD

t_begin "a stale entry for a library that is gone is replaced"
printf '/opt/gone/libpypin.so\n' > $PRELOAD
run $PYPIN install-system
if [ "$(cat $PRELOAD)" = "$INSTALLED" ]; then expect 0 '^pypin: replacing 1 other libpypin.so entry'
else t_fail "got: $(cat $PRELOAD)"; fi
rm -f $PRELOAD

t_begin "the same entry twice becomes one"
printf '%s\n%s\n' "$INSTALLED" "$INSTALLED" > $PRELOAD
run $PYPIN install-system
if [ "$(cat $PRELOAD)" = "$INSTALLED" ]; then expect 0 "^pypin: $INSTALLED is in $PRELOAD 2 times; keeping one\$"
else t_fail "got: $(cat $PRELOAD)"; fi
rm -f $PRELOAD

t_begin "the file's mode is kept (less write for others), blank lines come back"
printf '/lib/x86_64-linux-gnu/libm.so.6\n\n\n' > $PRELOAD
chmod 600 $PRELOAD
cp $PRELOAD "$t_out/orig"
run $PYPIN install-system
mode=$(stat -c %a $PRELOAD)
run $PYPIN uninstall-system
if [ "$mode" = 600 ] && cmp -s $PRELOAD "$t_out/orig"; then t_pass
else t_fail "mode $mode after install; after uninstall: $(od -c $PRELOAD | head -n 3)"; fi
rm -f $PRELOAD

t_begin "a linked $PRELOAD: the file it links to is changed, the link stays"
mkdir -p /etc/pypin-test
printf '/lib/x86_64-linux-gnu/libm.so.6\n' > /etc/pypin-test/preload
ln -s pypin-test/preload $PRELOAD
run $PYPIN install-system
if [ -L $PRELOAD ] && [ "$(sed -n 2p /etc/pypin-test/preload)" = "$INSTALLED" ]; then expect 0
else t_fail "link replaced, or target not changed: $(ls -l $PRELOAD)"; fi
$PYPIN uninstall-system >/dev/null
rm -rf $PRELOAD /etc/pypin-test

t_begin "uninstall-system: a $PRELOAD that is not a file is an error, and is left alone"
mkdir $PRELOAD
run $PYPIN uninstall-system
if [ -d $PRELOAD ]; then expect 1 "^pypin: error: $PRELOAD: not a readable regular file\$"
else t_fail "it was removed"; fi
rmdir $PRELOAD

t_begin "--lib names the library to install"
run $PYPIN --lib /usr/local/lib/pypin-old/libpypin.so install-system
if [ "$(cat $PRELOAD)" = /usr/local/lib/pypin-old/libpypin.so ]; then expect 0
else t_fail "got: $(cat $PRELOAD)"; fi
rm -f $PRELOAD

# --- 2. refusals --------------------------------------------------------------------

refused() {  # refused PATTERN: the last run was refused and /etc is unchanged
	if [ -e $PRELOAD ]; then t_fail "$PRELOAD was written"; else expect 1 "$1"; fi
}
mkdir -p /usr/local/lib/bad
t_begin "refused: a library owned by another user"
cp "$INSTALLED" /usr/local/lib/bad/libpypin.so
chown nobody /usr/local/lib/bad/libpypin.so
run $PYPIN --lib /usr/local/lib/bad/libpypin.so install-system
refused 'is not owned by root or is writable by others'
t_begin "refused: a library that others can write"
chown 0 /usr/local/lib/bad/libpypin.so
chmod 666 /usr/local/lib/bad/libpypin.so
run $PYPIN --lib /usr/local/lib/bad/libpypin.so install-system
refused 'is not owned by root or is writable by others'
t_begin "refused: a library in a directory that others can write"
chmod 644 /usr/local/lib/bad/libpypin.so
chmod 777 /usr/local/lib/bad
run $PYPIN --lib /usr/local/lib/bad/libpypin.so install-system
refused 'is not owned by root or is writable by others'
t_begin "refused: a library in a root-owned sticky directory that others can write (as /tmp)"
chmod 1777 /usr/local/lib/bad
run $PYPIN --lib /usr/local/lib/bad/libpypin.so install-system
refused 'is not owned by root or is writable by others'
chmod 755 /usr/local/lib/bad
t_begin "refused: a library that does not load cleanly (undefined symbol)"
printf 'extern int pypin_test_missing(void);\nint f(void) { return pypin_test_missing(); }\n' |
	${CC:-cc} -shared -fPIC -Wl,-z,now -o /usr/local/lib/bad/libpypin.so -x c -
run $PYPIN --lib /usr/local/lib/bad/libpypin.so install-system
refused 'does not load cleanly in a trial process: .*pypin_test_missing'
t_begin "refused: not an ELF file"
echo 'not a library' > /usr/local/lib/bad/libpypin.so
run $PYPIN --lib /usr/local/lib/bad/libpypin.so install-system
refused 'does not load cleanly in a trial process'
t_begin "refused: a file not named libpypin.so (uninstall-system could not find it)"
cp "$INSTALLED" /usr/local/lib/pypin/libpypin-0.1.so
run $PYPIN --lib /usr/local/lib/pypin/libpypin-0.1.so install-system
refused 'libpypin-0.1.so: not named libpypin.so'
t_begin "refused: a link named libpypin.so to a file named otherwise"
mkdir -p /usr/local/lib/linked
ln -sf ../pypin/libpypin-0.1.so /usr/local/lib/linked/libpypin.so
run $PYPIN --lib /usr/local/lib/linked/libpypin.so install-system
refused 'libpypin-0.1.so: not named libpypin.so'
rm -rf /usr/local/lib/linked /usr/local/lib/pypin/libpypin-0.1.so
t_begin "refused: a library that loads but does not interpose dlopen"
cp /lib/x86_64-linux-gnu/libm.so.6 /usr/local/lib/bad/libpypin.so
run $PYPIN --lib /usr/local/lib/bad/libpypin.so install-system
refused 'does not load cleanly in a trial process: its dlopen is not interposed (dlopen: .*libc.so.6)'
t_begin "refused: a missing library"
run $PYPIN --lib /usr/local/lib/none/libpypin.so install-system
refused 'library not found: /usr/local/lib/none/libpypin.so'
t_begin "refused: not root"
run setpriv --reuid=65534 --regid=65534 --clear-groups $PYPIN install-system
refused 'install-system changes /etc/ld.so.preload and must run as root'

t_begin "refused by the trial set: a library that prints only in a setuid process"
cp "$BUILD/noisy/libpypin.so" /usr/local/lib/bad/libpypin.so
run $PYPIN --lib /usr/local/lib/bad/libpypin.so install-system
refused 'not installed: with /usr/local/lib/bad/libpypin.so in /etc/ld.so.preload, a setuid-root /bin/true run by nobody prints "noisy: secure-execution mode" with it, not without; .*nothing was written$'
t_begin "... the same library preloaded into a plain process prints nothing (only the setuid trial finds it)"
run env -i LD_PRELOAD=/usr/local/lib/bad/libpypin.so /bin/true
if [ "$t_rc" -eq 0 ] && [ ! -s "$t_out/out" ]; then t_pass; else t_fail "status $t_rc, or output"; fi
t_begin "... and no trial directory is left in /tmp"
# With a /tmp of its own, so that another run's trial is not counted.
run unshare -m --propagation private sh -c 'mount -t tmpfs -o mode=1777 pypin-test-tmp /tmp &&
	"$1" --lib /usr/local/lib/bad/libpypin.so install-system; echo "status $?"; echo "in /tmp:" $(ls -A /tmp)' \
	sh $PYPIN
if out_has '^status 1$' && out_has '^in /tmp:$'; then t_pass; else t_fail "left in /tmp, or not refused"; fi

t_begin "without a private namespace for the trial set (no CAP_SYS_ADMIN): refused, nothing written"
nocap="setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin"
run $nocap $PYPIN install-system
refused "^pypin: error: not installed: no private mount namespace with an overlay on /etc (unshare -m, as root with CAP_SYS_ADMIN): the trial set cannot run .*; nothing was written\$"
t_begin "... the same with the entry already in place: already installed, no trial needed"
$PYPIN install-system >/dev/null 2>&1
run $nocap $PYPIN install-system
if [ "$(cat $PRELOAD 2>&1)" != "$INSTALLED" ]; then t_fail "got: $(cat $PRELOAD 2>&1)"
elif out_has 'warning\|error'; then t_fail "a warning or an error"
else expect 0 "^pypin: already installed: $INSTALLED is in $PRELOAD\$"; fi
$PYPIN uninstall-system >/dev/null

t_begin "install-system and uninstall-system run nothing from the caller's PATH"
mkdir -p "$t_out/path"
for prog in unshare mount awk cc gcc clang timeout setpriv stat realpath mktemp cp mv rm cat dpkg dpkg-query; do
	printf '#!/bin/sh\necho "%s" >> "%s/path-ran"\nexit 1\n' "$prog" "$t_out" > "$t_out/path/$prog"
	chmod 755 "$t_out/path/$prog"
done
run env PATH="$t_out/path:$PATH" $PYPIN install-system
if [ -e "$t_out/path-ran" ]; then
	t_fail "it ran: $(sort -u "$t_out/path-ran" | paste -sd ' ' -)"
elif [ "$(cat $PRELOAD 2>&1)" != "$INSTALLED" ]; then
	t_fail "got: $(cat $PRELOAD 2>&1)"
else
	run env PATH="$t_out/path:$PATH" $PYPIN uninstall-system
	if [ -e "$t_out/path-ran" ]; then t_fail "uninstall-system ran: $(sort -u "$t_out/path-ran" | paste -sd ' ' -)"
	elif [ -e $PRELOAD ]; then t_fail "left: $(cat $PRELOAD)"
	else expect 0 '^pypin: uninstalled'; fi
fi
rm -f $PRELOAD

t_begin "install-system refuses a pypin-inspect that others can write (it runs it as root)"
chmod 777 /usr/local/lib/pypin/pypin-inspect
run $PYPIN install-system
chmod 755 /usr/local/lib/pypin/pypin-inspect
if [ -e $PRELOAD ]; then t_fail "$PRELOAD was written"
else expect 1 "^pypin: error: /usr/local/lib/pypin/pypin-inspect: it, or a directory above it, is not owned by root or is writable by others; refusing to run it as root\$"; fi

# --- AddressSanitizer: every preloaded library makes its programs abort --------------

t_begin "AddressSanitizer: install-system warns, naming ASAN_OPTIONS=verify_asan_link_order=0"
ASAN=/mnt/asan-true
if printf 'int main(void) { return 0; }\n' |
   ${CC:-cc} -fsanitize=address -x c -o $ASAN - >/dev/null 2>&1; then
	run $PYPIN install-system
	expect 0 "^pypin: warning: AddressSanitizer programs abort at start-up with libpypin.so in $PRELOAD (.*ASan runtime does not come first.*); run them with ASAN_OPTIONS=verify_asan_link_order=0 (tried: one then runs as without pypin)\$" \
		"^pypin: installed: $INSTALLED added to $PRELOAD\$"
	t_begin "AddressSanitizer: under $PRELOAD an ASan-built program aborts"
	bare $ASAN
	expect_fail 'ASan runtime does not come first in initial library list'
	t_begin "AddressSanitizer: ... and runs with ASAN_OPTIONS=verify_asan_link_order=0"
	bare ASAN_OPTIONS=verify_asan_link_order=0 $ASAN
	if [ "$t_rc" -eq 0 ] && [ ! -s "$t_out/out" ]; then t_pass; else t_fail "status $t_rc, or output"; fi
	$PYPIN uninstall-system >/dev/null
	t_begin "AddressSanitizer: without pypin the same program runs"
	bare $ASAN
	if [ "$t_rc" -eq 0 ] && [ ! -s "$t_out/out" ]; then t_pass; else t_fail "status $t_rc, or output"; fi
	rm -f $ASAN
else
	t_skip "${CC:-cc} cannot build a program with -fsanitize=address here"
fi

# --- a multiarch libdir: the entry names the loader's $LIB ---------------------------

MULTIARCH=$(${CC:-cc} -print-multiarch 2>/dev/null)
t_begin "make install libdir=/usr/local/lib/MULTIARCH, install-system: the entry is /usr/local/\$LIB/pypin/libpypin.so"
if [ -n "$MULTIARCH" ]; then
	make -s -C "$TOP" install prefix=/usr/local libdir=/usr/local/lib/$MULTIARCH >/dev/null 2>&1
	run /usr/local/bin/pypin install-system
	if [ "$(cat $PRELOAD)" = '/usr/local/$LIB/pypin/libpypin.so' ]; then
		expect 0 '^pypin: installed: /usr/local/\$LIB/pypin/libpypin.so added to /etc/ld.so.preload$'
	else
		t_fail "got: $(cat $PRELOAD 2>&1)"
	fi
	t_begin "... an unmodified host works under it"
	bare "$H" "$NOLINK"
	expect_ok "$RESULT"
	t_begin "... uninstall-system removes it"
	run /usr/local/bin/pypin uninstall-system
	if [ ! -e $PRELOAD ]; then expect 0 '^pypin: uninstalled'; else t_fail "left: $(cat $PRELOAD)"; fi
	t_begin "... --only-native writes the library's own path"
	run /usr/local/bin/pypin --only-native install-system
	if [ "$(cat $PRELOAD)" = "/usr/local/lib/$MULTIARCH/pypin/libpypin.so" ]; then expect 0
	else t_fail "got: $(cat $PRELOAD 2>&1)"; fi
	/usr/local/bin/pypin uninstall-system >/dev/null
	# Back to the plain install for what follows.
	make -s -C "$TOP" install prefix=/usr/local >/dev/null 2>&1
else
	t_skip "${CC:-cc} -print-multiarch names no multiarch directory"
fi

# --- 3. /etc/pypin.conf ---------------------------------------------------------------

run $PYPIN install-system
t_begin "pypin.conf: debug = yes turns on the decision lines system-wide"
printf '# system-wide pypin\ndebug = yes\n' > /etc/pypin.conf
bare "$H" "$NOLINK"
expect_ok '^pypin\[[0-9]*\]: .*tst-embed-nolink-mod1.so: needs Python symbols'
t_begin "pypin.conf: the environment overrides it"
run env -i PATH=/usr/bin:/bin PYPIN_DEBUG=0 "$H" "$NOLINK"
if [ "$t_rc" -eq 0 ] && ! out_has '^pypin\['; then t_pass; else t_fail "status $t_rc or debug lines"; fi
t_begin "pypin.conf: disable = yes turns pypin off (the host fails as without it)"
printf 'disable = yes\n' > /etc/pypin.conf
bare "$H" "$NOLINK"
expect_fail "undefined symbol: _\{0,1\}Py"
t_begin "pypin.conf: a file others can write is ignored, with a warning"
chmod 666 /etc/pypin.conf
bare "$H" "$NOLINK"
expect_ok "warning: /etc/pypin.conf: writable by group or others; ignored"
rm -f /etc/pypin.conf

# --- 4. secure-execution mode -----------------------------------------------------------

# In /mnt (tmpfs, mode 755): a setuid-root copy of the host and a plain copy,
# the plugins, the hostile libpython, and a directory where it leaves its mark.
S=/mnt
cp "$H" $S/host-setuid && chmod 4755 $S/host-setuid
cp "$H" $S/host-plain && chmod 755 $S/host-plain
cp "$NOLINK" "$EMBED" $S/
mkdir $S/hostile $S/mark && chmod 1777 $S/mark
cp "$BUILD/hostile/libpython3.11.so.1.0" $S/hostile/
HOSTILE=$S/hostile/libpython3.11.so.1.0
MARK=$S/mark/loaded
as_nobody() {
	rm -f $MARK
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		env -i PATH=/usr/bin:/bin TST_MARKER=$MARK "$@"
}
marked() { [ -e $MARK ]; }

# The plugin names libpython3.11, so that the hostile file (which defines no
# Py symbol) fits it by its soname alone.
t_begin "not setuid, as nobody: PYPIN_LIBPYTHON steers what pypin loads (the hostile file)"
as_nobody PYPIN_LIBPYTHON=$HOSTILE $S/host-plain -m $S/tst-embed-mod1.so
if marked && out_has "^mapped: $HOSTILE\$"; then t_pass; else t_fail "the hostile library was not loaded"; fi
t_begin "setuid root, run by nobody: PYPIN_LIBPYTHON is ignored"
as_nobody PYPIN_LIBPYTHON=$HOSTILE PYPIN_DEBUG=1 $S/host-setuid -m $S/tst-embed-mod1.so
if marked || out_has "^mapped: $HOSTILE\$"; then
	t_fail "the hostile library was loaded"
elif out_has '^pypin\['; then
	t_fail "PYPIN_DEBUG was obeyed"
else
	expect 0 "$RESULT" "^mapped: .*/libpython3.11.so.1.0\$"
fi
t_begin "setuid root: LD_LIBRARY_PATH and PYTHONPATH do not choose the libpython"
as_nobody LD_LIBRARY_PATH=$S/hostile PYTHONPATH=$S/hostile $S/host-setuid -m $S/tst-embed-mod1.so
if marked; then t_fail "the hostile library was loaded"; else expect_ok "$RESULT"; fi
t_begin "setuid root: PYTHONHOME does not choose the libpython (Python itself obeys it)"
as_nobody PYTHONHOME=$S/hostile $S/host-setuid -m $S/tst-embed-nolink-mod1.so
if marked; then t_fail "the hostile library was loaded"; else t_pass; fi
t_begin "setuid root: PYPIN_DISABLE is ignored too"
as_nobody PYPIN_DISABLE=1 $S/host-setuid $S/tst-embed-nolink-mod1.so
expect_ok "$RESULT"

$PYPIN uninstall-system >/dev/null
t_end
